package browserusetest_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// opConstants are the Op constants by name.
var opConstants = map[string]string{
	"OpListSessions":      browserusetest.OpListSessions,
	"OpCreateSession":     browserusetest.OpCreateSession,
	"OpGetSession":        browserusetest.OpGetSession,
	"OpStopSession":       browserusetest.OpStopSession,
	"OpDeleteSession":     browserusetest.OpDeleteSession,
	"OpPurgeSession":      browserusetest.OpPurgeSession,
	"OpGetPublicShare":    browserusetest.OpGetPublicShare,
	"OpCreatePublicShare": browserusetest.OpCreatePublicShare,
	"OpDeletePublicShare": browserusetest.OpDeletePublicShare,
	"OpListTasks":         browserusetest.OpListTasks,
	"OpCreateTask":        browserusetest.OpCreateTask,
	"OpGetTask":           browserusetest.OpGetTask,
	"OpStopTask":          browserusetest.OpStopTask,
	"OpGetTaskStatus":     browserusetest.OpGetTaskStatus,
	"OpTaskLogsURL":       browserusetest.OpTaskLogsURL,
	"OpListProfiles":      browserusetest.OpListProfiles,
	"OpCreateProfile":     browserusetest.OpCreateProfile,
	"OpGetProfile":        browserusetest.OpGetProfile,
	"OpUpdateProfile":     browserusetest.OpUpdateProfile,
	"OpDeleteProfile":     browserusetest.OpDeleteProfile,
	"OpAccount":           browserusetest.OpAccount,
	"OpUploadFile":        browserusetest.OpUploadFile,
	"OpOutputFileURL":     browserusetest.OpOutputFileURL,
	"OpListBrowsers":      browserusetest.OpListBrowsers,
	"OpCreateBrowser":     browserusetest.OpCreateBrowser,
	"OpGetBrowser":        browserusetest.OpGetBrowser,
	"OpStopBrowser":       browserusetest.OpStopBrowser,
	"OpBrowserDownloads":  browserusetest.OpBrowserDownloads,
	"OpUploadBrowserFile": browserusetest.OpUploadBrowserFile,
}

// TestOpConstantsAreNamedAfterTheClientsMethods: every Op constant is
// OpX for a method X of browseruse.Client, its value is an operationId of
// openapi.yaml, and every operation of openapi.yaml has one constant.
func TestOpConstantsAreNamedAfterTheClientsMethods(t *testing.T) {
	client := reflect.TypeFor[*browseruse.Client]()
	var values []string
	for name, value := range opConstants {
		method := strings.TrimPrefix(name, "Op")
		_, ok := client.MethodByName(method)
		require.True(t, ok, "%s: browseruse.Client has no method %s", name, method)
		values = append(values, value)
	}
	spec, err := specval.Load()
	require.NoError(t, err)
	var ids []string
	for _, op := range spec.Operations() {
		ids = append(ids, op.ID)
	}
	slices.Sort(values)
	require.Equal(t, ids, values, "one constant per operation of openapi.yaml")
}
