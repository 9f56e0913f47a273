package browseruse

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/oapi-codegen/nullable"

	"github.com/browseruse-go/browseruse-go/gen"
)

// jsonNames lists the JSON field names of a generated struct type.
func jsonNames(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		names = append(names, strings.Split(f.Tag.Get("json"), ",")[0])
	}
	slices.Sort(names)
	return names
}

// TestCreateBodyMatchesTheGeneratedType: the fast encoder writes every
// field of gen.CreateSessionRequest and gen.CustomProxy, so regenerating gen/
// with a new field fails here until body() learns it.
func TestCreateBodyMatchesTheGeneratedType(t *testing.T) {
	full := CreateSessionParams{
		ProfileID: "3c90c3cc-0d44-4b50-8888-8dd25736052a", Proxy: ProxyIn("DE"), StartURL: "https://example.com/?a=1&b=<2>",
		ScreenWidth: Ptr(1920), ScreenHeight: Ptr(1080), PersistMemory: Ptr(false), KeepAlive: Ptr(true), EnableRecording: Ptr(false),
		CustomProxy: &CustomProxy{Host: "proxy", Port: 8080, Username: "ü", Password: "p\"\\\n\u2028", IgnoreCertErrors: true},
	}
	got, err := full.body()
	require.NoError(t, err)
	want, err := json.Marshal(full.request())
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(got, &fields))
	require.Equal(t, jsonNames(reflect.TypeFor[gen.CreateSessionRequest]()), slices.Sorted(maps.Keys(fields)), "a field of gen.CreateSessionRequest that body() does not write")
	var proxy map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(fields["customProxy"], &proxy))
	require.Equal(t, jsonNames(reflect.TypeFor[gen.CustomProxy]()), slices.Sorted(maps.Keys(proxy)), "a field of gen.CustomProxy that body() does not write")
}

// FuzzCreateBody: for any parameters, the fast encoder and json.Marshal of
// the generated type write the same bytes.
func FuzzCreateBody(f *testing.F) {
	f.Add("", uint8(0), "", "", 0, 0, uint8(0), false, "", 0, "", "", false)
	f.Add("id", uint8(2), "DE", "https://x/<&>", 1280, 800, uint8(0x3f), true, "h\x00st", 65535, "u\u2028", "p\xff", true)
	f.Fuzz(func(t *testing.T, profile string, proxy uint8, country, startURL string, width, height int, bools uint8,
		hasCustom bool, host string, port int, user, pass string, ignore bool) {
		p := CreateSessionParams{ProfileID: profile, StartURL: startURL}
		switch proxy % 3 {
		case 1:
			p.Proxy = ProxyOff()
		case 2:
			p.Proxy = ProxyIn(country)
		}
		if bools&1 != 0 {
			p.ScreenWidth = Ptr(width)
		}
		if bools&2 != 0 {
			p.ScreenHeight = Ptr(height)
		}
		if bools&4 != 0 {
			p.PersistMemory = Ptr(bools&8 != 0)
		}
		if bools&16 != 0 {
			p.KeepAlive = Ptr(bools&32 != 0)
		}
		if bools&64 != 0 {
			p.EnableRecording = Ptr(bools&128 != 0)
		}
		if hasCustom {
			p.CustomProxy = &CustomProxy{Host: host, Port: port, Username: user, Password: pass, IgnoreCertErrors: ignore}
		}
		got, err := p.body()
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(p.request())
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("body() = %s\njson.Marshal = %s", got, want)
		}
	})
}

// request converts the parameters to the generated request body: the
// reference that body() must encode byte for byte.
func (p CreateSessionParams) request() gen.CreateSessionRequest {
	var r gen.CreateSessionRequest
	if p.ProfileID != "" {
		r.ProfileId = nullable.NewNullableWithValue(p.ProfileID)
	}
	switch {
	case p.Proxy.off:
		r.ProxyCountryCode = nullable.NewNullNullable[gen.ProxyCountryCode]()
	case p.Proxy.country != "":
		r.ProxyCountryCode = nullable.NewNullableWithValue(gen.ProxyCountryCode(p.Proxy.country))
	}
	if p.StartURL != "" {
		r.StartUrl = nullable.NewNullableWithValue(p.StartURL)
	}
	if p.ScreenWidth != nil {
		r.BrowserScreenWidth = nullable.NewNullableWithValue(*p.ScreenWidth)
	}
	if p.ScreenHeight != nil {
		r.BrowserScreenHeight = nullable.NewNullableWithValue(*p.ScreenHeight)
	}
	r.PersistMemory = p.PersistMemory
	r.KeepAlive = p.KeepAlive
	r.EnableRecording = p.EnableRecording
	if cp := p.CustomProxy; cp != nil {
		g := gen.CustomProxy{Host: cp.Host, Port: cp.Port}
		if cp.Username != "" {
			g.Username = nullable.NewNullableWithValue(cp.Username)
		}
		if cp.Password != "" {
			g.Password = nullable.NewNullableWithValue(cp.Password)
		}
		if cp.IgnoreCertErrors {
			g.IgnoreCertErrors = Ptr(true)
		}
		r.CustomProxy = nullable.NewNullableWithValue(g)
	}
	return r
}
