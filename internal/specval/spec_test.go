package specval

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

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
	var ids []string
	for _, op := range s.Operations() {
		ids = append(ids, op.ID)
	}
	require.Equal(t, []string{
		"createPublicShare", "createSession", "deletePublicShare", "deleteSession",
		"getPublicShare", "getSession", "listSessions", "purgeSession", "updateSession",
	}, ids)
	require.Len(t, s.Doc.Components.Schemas["ProxyCountryCode"].Value.Enum, 247)
}

func TestLoadParsesOnce(t *testing.T) {
	a, b := mustLoad(t), mustLoad(t)
	require.Same(t, a, b)
}

func TestCreateBodyViolationsNameFieldAndRule(t *testing.T) {
	op := mustLoad(t).Operation("createSession")
	cases := map[string]string{
		`{"browserScreenWidth": 100}`:                 "/browserScreenWidth: must be >= 320",
		`{"browserScreenHeight": 4000}`:               "/browserScreenHeight: must be <= 3456",
		`{"customProxy": {"host": "h", "port": 0}}`:   "/customProxy/port: must be >= 1",
		`{"customProxy": {"host": "", "port": 8080}}`: "/customProxy/host: must be at least 1 characters long",
		`{"customProxy": {"port": 8080}}`:             "/customProxy/host: is required",
		`{"proxyCountryCode": "xx"}`:                  "/proxyCountryCode: must be one of the 247 values the spec lists",
		`{"profileId": "../x"}`:                       "/profileId: must be a valid uuid",
		`{"keepAlive": "yes"}`:                        "/keepAlive: must be of type boolean",
	}
	for body, want := range cases {
		vs := op.CheckBody(decode(t, body))
		require.Len(t, vs, 1, body)
		require.Equal(t, want, vs[0].String(), body)
	}
	require.Empty(t, op.CheckBody(decode(t, `{"proxyCountryCode": null, "customProxy": null, "profileId": null}`)))
	require.Empty(t, op.CheckBody(decode(t, `{}`)))
}

func TestViolationsNeverContainTheValue(t *testing.T) {
	op := mustLoad(t).Operation("createSession")
	secret := strings.Repeat("s3cr3t", 50)
	vs := op.CheckBody(decode(t, `{"customProxy": {"host": "h", "port": 1, "password": "`+secret+`"}}`))
	require.Len(t, vs, 1)
	require.Equal(t, "/customProxy/password: must be at most 255 characters long", vs[0].String())
}

func TestParamCheck(t *testing.T) {
	op := mustLoad(t).Operation("listSessions")
	require.Equal(t, "pageSize: must be <= 100", op.Param("pageSize").Check(float64(101))[0].String())
	require.Equal(t, "pageSize: must be >= 1", op.Param("pageSize").Check(float64(0))[0].String())
	require.Empty(t, op.Param("pageSize").Check(float64(100)))
	id := mustLoad(t).Operation("getSession").Param("session_id")
	require.Equal(t, "session_id: must be a valid uuid", id.Check("../x")[0].String())
}

func TestResponseChecks(t *testing.T) {
	op := mustLoad(t).Operation("getSession")
	ok := `{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"active","startedAt":"2026-01-02T03:04:05Z","tasks":[
	  {"id":"3c90c3cc-0d44-4b50-8888-8dd25736052b","sessionId":"3c90c3cc-0d44-4b50-8888-8dd25736052a","llm":"x","task":"t",
	   "status":"finished","createdAt":"2026-01-02T03:04:05.123456","cost":"0.25"}],"proxyCost":"1.5","unknownField":1}`
	require.Empty(t, CheckResponse(op.Response(200).Schema, decode(t, ok)))

	bad := strings.NewReplacer(`"status":"active"`, `"status":"paused"`, `"cost":"0.25"`, `"cost":"abc"`).Replace(ok)
	vs := CheckResponse(op.Response(200).Schema, decode(t, bad))
	require.Len(t, vs, 2)
	keywords := []string{vs[0].Keyword, vs[1].Keyword}
	require.ElementsMatch(t, []string{"enum", "pattern"}, keywords)
}
