package browseruse_test

import (
	"context"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// Every amount of the views is a Decimal (this file stops compiling if one
// goes back to *string).
var _ = [...]*browseruse.Decimal{
	browseruse.Task{}.Cost, browseruse.TaskItem{}.Cost, browseruse.TaskStatusView{}.Cost,
	browseruse.Session{}.ProxyCost, browseruse.Session{}.ProxyUsedMb,
	browseruse.SessionItem{}.ProxyCost, browseruse.SessionItem{}.ProxyUsedMb,
}

func TestDecimalsReadExactly(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `"cost":"0.0125"`, `"cost":"0.10000000000000000000000000001"`, 1)
	require.NotEqual(t, sessionViewJSON, body)
	s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	cost := s.Tasks[0].Cost
	require.Equal(t, "0.10000000000000000000000000001", cost.String(), "kept as sent")
	r, err := cost.Rat()
	require.NoError(t, err)
	want, _ := new(big.Rat).SetString("10000000000000000000000000001/100000000000000000000000000000")
	require.Zero(t, r.Cmp(want), r.String())
	f, err := cost.Float64()
	require.NoError(t, err)
	require.Equal(t, 0.1, f)
}

// A malformed decimal is refused by validation (TestResponseValidationModes);
// with validation off it reaches the model, and reading it is an error,
// never zero.
func TestMalformedDecimalWithValidationOff(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `"cost":"0.0125"`, `"cost":"lots"`, 1)
	s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t, browseruse.WithValidation(browseruse.ValidationOff)).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	cost := s.Tasks[0].Cost
	require.Equal(t, "lots", cost.String())
	r, err := cost.Rat()
	require.Nil(t, r)
	require.ErrorIs(t, err, browseruse.ErrNotDecimal)
	f, err := cost.Float64()
	require.ErrorIs(t, err, browseruse.ErrNotDecimal)
	require.Zero(t, f)
	_, err = browseruse.Deref[browseruse.Decimal](nil).Rat()
	require.ErrorIs(t, err, browseruse.ErrNotDecimal, "an absent amount is not zero either")
}
