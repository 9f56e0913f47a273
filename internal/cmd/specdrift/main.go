// Command specdrift compares openapi.yaml with an upstream OpenAPI document
// (the published Browser Use v2 description: OpenAPI 3.1 JSON) for the
// operations openapi.yaml covers, and prints every difference in paths,
// methods, statuses, parameters, required fields, types, nullability,
// enums, bounds, formats and patterns. Descriptions are not compared: the
// wording of openapi.yaml is its own.
//
//	go run ./internal/cmd/specdrift [-ours openapi.yaml] [-accept FILE] UPSTREAM.json
//	make drift UPSTREAM=path/to/browser-use-api-v2.openapi.json
//
// The accept file (make drift passes internal/cmd/specdrift/accepted.txt)
// lists the deliberate differences, each as a whole line of output under its
// reason (see readAccepted). A line is accepted only when it is equal to an
// entry, so that new drift next to an accepted difference still prints; an
// entry that matches no line is stale, and fails the run like a difference.
//
// The two dialects are compared by meaning: 3.1's anyOf [X, {type: null}]
// and type [X, "null"] equal 3.0's nullable X, and 3.0's allOf [$ref] with
// nullable equals the nullable $ref. Exit status: 0 when nothing differs, 1
// when something does (or an entry is stale), 2 when a document or the
// accept file cannot be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("specdrift", flag.ContinueOnError)
	flags.SetOutput(stderr)
	ours := flags.String("ours", "openapi.yaml", "this project's description")
	acceptFile := flags.String("accept", "", "a file of deliberate differences, each a whole line of output with its reason: those are counted, not printed, and an entry that matches nothing fails the run")
	if err := flags.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if flags.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: specdrift [-ours openapi.yaml] [-accept FILE] UPSTREAM.json")
		return 2
	}
	a, err := load(*ours)
	if err != nil {
		fmt.Fprintln(stderr, "specdrift:", err)
		return 2
	}
	b, err := load(flags.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "specdrift:", err)
		return 2
	}
	var accepted []*entry
	if *acceptFile != "" {
		if accepted, err = readAccepted(*acceptFile); err != nil {
			fmt.Fprintln(stderr, "specdrift:", err)
			return 2
		}
	}
	byLine := map[string]*entry{}
	for _, e := range accepted {
		byLine[e.line] = e
	}
	var news, known, stale int
	for _, d := range compare(a, b) {
		if e := byLine[d]; e != nil {
			e.seen = true
			known++
			continue
		}
		fmt.Fprintln(stdout, d)
		news++
	}
	for _, e := range accepted {
		if !e.seen {
			fmt.Fprintf(stdout, "%s:%d: stale, no such difference any more: %s (accepted because: %s)\n", *acceptFile, e.lineNo, e.line, e.reason)
			stale++
		}
	}
	if known > 0 {
		fmt.Fprintf(stdout, "%d deliberate difference(s), listed in %s\n", known, *acceptFile)
	}
	if stale > 0 {
		fmt.Fprintf(stdout, "%d stale entry(ies) in %s: the upstream change behind each needs a look, then the entry goes\n", stale, *acceptFile)
	}
	if news > 0 {
		fmt.Fprintf(stdout, "%d difference(s) between %s and %s\n", news, *ours, flags.Arg(0))
	}
	if news > 0 || stale > 0 {
		return 1
	}
	fmt.Fprintf(stdout, "no other differences between %s and %s for the operations it covers\n", *ours, flags.Arg(0))
	return 0
}

// An entry of the accept file: one line of specdrift's output, matched
// exactly, and the reason it is deliberate.
type entry struct {
	line, reason string
	lineNo       int
	seen         bool // it matched a difference of this run
}

// readAccepted reads an accept file. It is made of paragraphs, separated by
// blank lines; a paragraph opens with its reason, one or more lines starting
// with "#", and goes on with the lines of output that the reason accepts, one
// per line, each compared whole (a paragraph of comments alone is a note).
// An entry without a reason, or listed twice, is an error.
func readAccepted(path string) ([]*entry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var (
		out    []*entry
		reason string // of the current paragraph
		inList bool   // the current paragraph has had an entry
		seen   = map[string]int{}
	)
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			reason, inList = "", false
		case strings.HasPrefix(line, "#"):
			if inList {
				return nil, fmt.Errorf("%s:%d: a reason after entries: start a new paragraph with a blank line", path, i+1)
			}
			reason = strings.TrimSpace(reason + " " + strings.TrimSpace(strings.TrimPrefix(line, "#")))
		case reason == "":
			return nil, fmt.Errorf("%s:%d: an entry without a reason (a \"#\" line opening its paragraph): %s", path, i+1, line)
		default:
			if first, ok := seen[line]; ok {
				return nil, fmt.Errorf("%s:%d: listed twice (first on line %d): %s", path, i+1, first, line)
			}
			seen[line] = i + 1
			out = append(out, &entry{line: line, reason: reason, lineNo: i + 1})
			inList = true
		}
	}
	return out, nil
}

func load(path string) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc, nil
}

// compare lists the differences of every operation of ours against upstream.
func compare(ours, upstream *openapi3.T) []string {
	var out []string
	paths := ours.Paths.InMatchingOrder()
	slices.Sort(paths)
	for _, path := range paths {
		item := ours.Paths.Value(path)
		upItem := upstream.Paths.Value(path)
		for _, method := range sortedKeys(item.Operations()) {
			where := method + " " + path
			op := item.GetOperation(method)
			var upOp *openapi3.Operation
			if upItem != nil {
				upOp = upItem.GetOperation(method)
			}
			if upOp == nil {
				out = append(out, where+": not in upstream")
				continue
			}
			out = append(out, compareOperation(where, item, op, upItem, upOp)...)
		}
	}
	return out
}

func compareOperation(where string, item *openapi3.PathItem, op *openapi3.Operation, upItem *openapi3.PathItem, upOp *openapi3.Operation) []string {
	var out []string
	// Statuses.
	ours, up := op.Responses.Map(), upOp.Responses.Map()
	for _, status := range sortedKeys(ours) {
		if _, ok := up[status]; !ok {
			out = append(out, fmt.Sprintf("%s: status %s only in ours", where, status))
		}
	}
	for _, status := range sortedKeys(up) {
		if _, ok := ours[status]; !ok {
			out = append(out, fmt.Sprintf("%s: status %s only upstream", where, status))
		}
	}
	for _, status := range sortedKeys(ours) {
		if u, ok := up[status]; ok {
			out = append(out, diffFacts(where+" response "+status, jsonSchema(ours[status].Value.Content), jsonSchema(u.Value.Content))...)
		}
	}
	// Parameters.
	params, upParams := parameters(item, op), parameters(upItem, upOp)
	for _, key := range sortedKeys(params) {
		p, u := params[key], upParams[key]
		if u == nil {
			out = append(out, fmt.Sprintf("%s: parameter %s only in ours", where, key))
			continue
		}
		if p.Required != u.Required {
			out = append(out, fmt.Sprintf("%s parameter %s: required: ours %t, upstream %t", where, key, p.Required, u.Required))
		}
		out = append(out, diffFacts(where+" parameter "+key, schemaOf(p.Schema), schemaOf(u.Schema))...)
	}
	for _, key := range sortedKeys(upParams) {
		if params[key] == nil {
			out = append(out, fmt.Sprintf("%s: parameter %s only upstream", where, key))
		}
	}
	// Request body.
	body, upBody := op.RequestBody, upOp.RequestBody
	switch {
	case body == nil && upBody == nil:
	case body == nil:
		out = append(out, where+": request body only upstream")
	case upBody == nil:
		out = append(out, where+": request body only in ours")
	default:
		if body.Value.Required != upBody.Value.Required {
			out = append(out, fmt.Sprintf("%s request body: required: ours %t, upstream %t", where, body.Value.Required, upBody.Value.Required))
		}
		out = append(out, diffFacts(where+" request body", jsonSchema(body.Value.Content), jsonSchema(upBody.Value.Content))...)
	}
	return out
}

// parameters indexes the parameters of a path item and its operation by "in name".
func parameters(item *openapi3.PathItem, op *openapi3.Operation) map[string]*openapi3.Parameter {
	out := map[string]*openapi3.Parameter{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			out[ref.Value.In+" "+ref.Value.Name] = ref.Value
		}
	}
	return out
}

func jsonSchema(content openapi3.Content) *openapi3.Schema {
	if mt := content.Get("application/json"); mt != nil {
		return schemaOf(mt.Schema)
	}
	return nil
}

func schemaOf(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

// diffFacts compares the facts of two schemas, line by line.
func diffFacts(where string, ours, upstream *openapi3.Schema) []string {
	a, b := map[string]string{}, map[string]string{}
	facts(ours, "", 0, a)
	facts(upstream, "", 0, b)
	var out []string
	keys := sortedKeys(a)
	for _, k := range sortedKeys(b) {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		x, y := a[k], b[k]
		if x == y {
			continue
		}
		if strings.HasSuffix(k, " enum") {
			out = append(out, where+" "+k+": "+enumDiff(x, y))
			continue
		}
		out = append(out, fmt.Sprintf("%s %s: ours %s, upstream %s", where, k, orNone(x), orNone(y)))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func enumDiff(ours, upstream string) string {
	a, b := strings.Fields(ours), strings.Fields(upstream)
	var onlyOurs, onlyUp []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			onlyOurs = append(onlyOurs, v)
		}
	}
	for _, v := range b {
		if !slices.Contains(a, v) {
			onlyUp = append(onlyUp, v)
		}
	}
	return fmt.Sprintf("only upstream [%s]; only in ours [%s]", strings.Join(onlyUp, " "), strings.Join(onlyOurs, " "))
}

// maxDepth bounds the walk (the schemas are not recursive, but a document
// could be).
const maxDepth = 12

// facts flattens a schema into "pointer keyword" -> value, with both
// dialects' ways of saying "nullable" reduced to one.
func facts(s *openapi3.Schema, ptr string, depth int, out map[string]string) {
	if s == nil || depth > maxDepth {
		return
	}
	s, nullable := normalize(s)
	at := func(keyword, value string) {
		if value != "" {
			out[strings.TrimSpace(orRoot(ptr)+" "+keyword)] = value
		}
	}
	if s.Type != nil {
		types := slices.DeleteFunc(slices.Clone(s.Type.Slice()), func(t string) bool { return t == "null" })
		slices.Sort(types)
		at("type", strings.Join(types, ","))
	}
	if nullable {
		at("nullable", "true")
	}
	enum := s.Enum
	if s.Const != nil { // 3.1's const is a one-value enum
		enum = []any{s.Const}
	}
	if len(enum) > 0 {
		vals := make([]string, 0, len(enum))
		for _, v := range enum {
			if v != nil {
				vals = append(vals, fmt.Sprint(v))
			}
		}
		slices.Sort(vals)
		at("enum", strings.Join(vals, " "))
	}
	at("format", s.Format)
	at("pattern", s.Pattern)
	if s.Min != nil {
		at("minimum", strconv.FormatFloat(*s.Min, 'f', -1, 64))
	}
	if s.Max != nil {
		at("maximum", strconv.FormatFloat(*s.Max, 'f', -1, 64))
	}
	if s.MinLength != 0 {
		at("minLength", strconv.FormatUint(s.MinLength, 10))
	}
	if s.MaxLength != nil {
		at("maxLength", strconv.FormatUint(*s.MaxLength, 10))
	}
	if len(s.Required) > 0 {
		req := slices.Clone(s.Required)
		slices.Sort(req)
		at("required", strings.Join(req, ","))
	}
	for _, name := range sortedKeys(s.Properties) {
		facts(schemaOf(s.Properties[name]), ptr+"/"+name, depth+1, out)
	}
	if s.Items != nil {
		facts(schemaOf(s.Items), ptr+"/[]", depth+1, out)
	}
	// additionalProperties: false, or the schema of every other property's
	// value (true, the default, says nothing).
	if ap := s.AdditionalProperties; ap.Has != nil && !*ap.Has {
		at("additionalProperties", "false")
	} else if ap.Schema != nil {
		facts(schemaOf(ap.Schema), ptr+"/{}", depth+1, out)
	}
	for i, alt := range s.AnyOf {
		facts(schemaOf(alt), ptr+"/anyOf["+strconv.Itoa(i)+"]", depth+1, out)
	}
	for i, alt := range s.OneOf {
		facts(schemaOf(alt), ptr+"/oneOf["+strconv.Itoa(i)+"]", depth+1, out)
	}
}

func orRoot(ptr string) string {
	if ptr == "" {
		return "/"
	}
	return ptr
}

// normalize reduces the ways of writing "X or null" to X and a flag: 3.0's
// nullable and allOf [X], 3.1's anyOf [X, {type: null}] and type [X, null].
func normalize(s *openapi3.Schema) (*openapi3.Schema, bool) {
	nullable := s.Nullable
	for range maxDepth {
		switch {
		case len(s.AnyOf) > 1 && slices.ContainsFunc(s.AnyOf, isNull):
			rest := slices.DeleteFunc(slices.Clone(s.AnyOf), isNull)
			nullable = true
			if len(rest) != 1 {
				copied := *s
				copied.AnyOf = rest
				return &copied, nullable
			}
			s = rest[0].Value
		case len(s.AllOf) == 1 && s.Type == nil && len(s.Properties) == 0:
			s = s.AllOf[0].Value
		default:
			if s.Type != nil && s.Type.Includes("null") {
				nullable = true
			}
			return s, nullable || s.Nullable
		}
	}
	return s, nullable
}

func isNull(ref *openapi3.SchemaRef) bool {
	return ref != nil && ref.Value != nil && ref.Value.Type != nil && ref.Value.Type.Is("null")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
