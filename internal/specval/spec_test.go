package specval

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/stretchr/testify/require"
)

func mustLoad(t *testing.T) *Spec {
	t.Helper()
	s, err := Load()
	require.NoError(t, err)
	return s
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

func TestEmbeddedSpecIsValidOpenAPI303(t *testing.T) {
	s := mustLoad(t)
	require.Equal(t, "3.0.3", s.Doc.OpenAPI)
	require.NoError(t, s.Doc.Validate(context.Background()))
	// Every operation of the document is resolved, once, under its id.
	n := 0
	for path, item := range s.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			n++
			o := s.Operation(op.OperationID)
			require.NotNil(t, o, "%s %s has no operationId", method, path)
			require.Equal(t, path, o.Path)
			require.Equal(t, method, o.Method)
			require.GreaterOrEqual(t, o.Success, 200, o.ID)
			require.Less(t, o.Success, 300, o.ID)
		}
	}
	require.Len(t, s.Operations(), n, "two operations share an operationId")
	require.Len(t, s.Doc.Components.Schemas["ProxyCountryCode"].Value.Enum, 248)
}

func TestLoadParsesOnce(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	require.Same(t, a, b)
}

// body is the create body schema.
func body(t *testing.T) *openapi3.Schema {
	t.Helper()
	return mustLoad(t).Operation("createSession").Route.Operation.RequestBody.Value.Content.Get("application/json").Schema.Value
}

func TestCreateBodyViolationsNameFieldAndRule(t *testing.T) {
	schema := body(t)
	cases := map[string]string{
		`{"browserScreenWidth": 100}`:                 "/browserScreenWidth: must be >= 320",
		`{"browserScreenHeight": 4000}`:               "/browserScreenHeight: must be <= 3456",
		`{"customProxy": {"host": "h", "port": 0}}`:   "/customProxy/port: must be >= 1",
		`{"customProxy": {"host": "", "port": 8080}}`: "/customProxy/host: must be at least 1 characters long",
		`{"customProxy": {"port": 8080}}`:             "/customProxy/host: is required",
		`{"proxyCountryCode": "xx"}`:                  "/proxyCountryCode: must be one of the 248 values the spec lists",
		`{"profileId": "../x"}`:                       "/profileId: must be a valid uuid",
		`{"keepAlive": "yes"}`:                        "/keepAlive: must be of type boolean",
	}
	for body, want := range cases {
		vs := CheckValue(schema, decode(t, body))
		require.Len(t, vs, 1, body)
		require.Equal(t, want, vs[0].String(), body)
	}
	require.Empty(t, CheckValue(schema, decode(t, `{"proxyCountryCode": null, "customProxy": null, "profileId": null}`)))
	require.Empty(t, CheckValue(schema, decode(t, `{}`)))
}

func TestViolationsNeverContainTheValue(t *testing.T) {
	secret := strings.Repeat("s3cr3t", 50)
	vs := CheckValue(body(t), decode(t, `{"customProxy": {"host": "h", "port": 1, "password": "`+secret+`"}}`))
	require.Len(t, vs, 1)
	require.Equal(t, "/customProxy/password: must be at most 255 characters long", vs[0].String())
}

func TestRequestChecksNameParametersAndBodyFields(t *testing.T) {
	s := mustLoad(t)
	check := func(op, target, body string, pathParams map[string]string) []string {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(s.Operation(op).Method, "http://any.host/api/v2"+target, r)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		var out []string
		for _, v := range s.Operation(op).CheckRequest(context.Background(), req, pathParams) {
			out = append(out, v.In+" "+v.String())
		}
		return out
	}
	require.Equal(t, []string{"query pageSize: must be <= 100"}, check("listSessions", "/sessions?pageSize=101", "", nil))
	require.Equal(t, []string{"query pageSize: must be >= 1", "query filterBy: must be one of active, stopped"},
		check("listSessions", "/sessions?pageSize=0&filterBy=paused", "", nil))
	require.Equal(t, []string{"query pageNumber: cannot be parsed"}, check("listSessions", "/sessions?pageNumber=x", "", nil))
	require.Empty(t, check("listSessions", "/sessions?pageSize=100", "", nil))
	require.Equal(t, []string{"path session_id: must be a valid uuid"}, check("getSession", "/sessions/x", "", map[string]string{"session_id": "../x"}))
	require.Equal(t, []string{"body /browserScreenWidth: must be >= 320"}, check("createSession", "/sessions", `{"browserScreenWidth":1}`, nil))
	require.Equal(t, []string{"body (body): is not valid JSON"}, check("createSession", "/sessions", `{"browserScreenWidth":`, nil))
	require.Empty(t, check("createSession", "/sessions", "", nil), "an empty create is valid")
	require.Equal(t, []string{"body (body): is required"}, check("updateSession", "/sessions/"+id, "", map[string]string{"session_id": id}))
}

const id = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

func TestResponseChecks(t *testing.T) {
	op := mustLoad(t).Operation("getSession")
	ok := `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"active","startedAt":"2026-01-02T03:04:05Z","tasks":[
	  {"id":"3c90c3cc-0d44-4b50-8888-8dd25736052b","sessionId":"3c90c3cc-0d44-4b50-8888-8dd25736052a","llm":"x","task":"t",
	   "status":"finished","createdAt":"2026-01-02T03:04:05.123456","cost":"0.25"}],"proxyCost":"1.5","unknownField":1}`
	schema, documented := op.Response(200)
	require.True(t, documented)
	require.Empty(t, CheckResponse(schema, decode(t, ok)))

	bad := strings.NewReplacer(`"status":"active"`, `"status":"paused"`, `"cost":"0.25"`, `"cost":"abc"`).Replace(ok)
	vs := CheckResponse(schema, decode(t, bad))
	require.Len(t, vs, 2)
	keywords := []string{vs[0].Keyword, vs[1].Keyword}
	require.ElementsMatch(t, []string{"enum", "pattern"}, keywords)
}

func TestIsUUID(t *testing.T) {
	for _, ok := range []string{id, "3C90C3CC-0D44-4B50-8888-8DD25736052A", "00000000-0000-0000-0000-000000000000"} {
		require.True(t, IsUUID(ok), ok)
	}
	for _, bad := range []string{"", "../x", "{" + id + "}", id + "0", id[:35], strings.Replace(id, "-", "x", 1),
		strings.Replace(id, "c", "g", 1), "3c90c3cc0d44-4b50-8888-8dd25736052a-"} {
		require.False(t, IsUUID(bad), bad)
	}
}

// TestNoReadOnlyOrWriteOnly: response validation skips VisitAsResponse
// (see responseOptions), which is only right while no schema uses them.
func TestNoReadOnlyOrWriteOnly(t *testing.T) {
	for name, ref := range mustLoad(t).Doc.Components.Schemas {
		for prop, p := range ref.Value.Properties {
			require.False(t, p.Value.ReadOnly || p.Value.WriteOnly, "%s.%s: add VisitAsResponse to responseOptions", name, prop)
		}
	}
}

// TestSecurityIsDocumentWide: the routes drop the document's security
// requirements (see newSpec); an operation with its own would keep them.
func TestSecurityIsDocumentWide(t *testing.T) {
	s := mustLoad(t)
	require.NotEmpty(t, s.Doc.Security, "the document still declares the API key")
	for _, op := range s.Operations() {
		require.Nil(t, op.Route.Operation.Security, op.ID)
		require.Empty(t, op.Route.Spec.Security, op.ID)
	}
}

func TestPathValuesReadTheTemplate(t *testing.T) {
	s := mustLoad(t)
	get := s.Operation("getSession")
	require.Equal(t, []string{"session_id"}, get.PathParams())
	v, ok := get.PathValues("/sessions/3c90c3cc-0d44-4b50-8888-8dd25736052a")
	require.True(t, ok)
	require.Equal(t, map[string]string{"session_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}, v)
	v, ok = s.Operation("getPublicShare").PathValues("/sessions/a%2Fb/public-share")
	require.True(t, ok)
	require.Equal(t, "a/b", v["session_id"], "an escaped slash stays in its segment")
	v, ok = get.PathValues("/sessions/")
	require.True(t, ok)
	require.Equal(t, "", v["session_id"], "an empty id is read, and then refused by validation")
	for _, bad := range []string{"/sessions", "/tasks/x", "/sessions/x/y", "/sessions/%zz"} {
		_, ok := get.PathValues(bad)
		require.False(t, ok, bad)
	}
	v, ok = s.Operation("listSessions").PathValues("/sessions")
	require.True(t, ok)
	require.Nil(t, v)
}
