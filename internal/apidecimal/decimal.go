// Package apidecimal provides the decimal type of the generated models.
//
// The Browser Use API sends money and data amounts (a task's cost, a
// session's proxy cost and proxy megabytes) as decimal numbers in JSON
// strings, "0.0125", so that no precision is lost. Decimal keeps that string
// exactly and reads it as a number on request.
package apidecimal

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
)

// ErrNotDecimal is matched (errors.Is) by the error of Rat and Float64 for
// a string that is not a decimal number, such as "", "1e5" or "lots".
var ErrNotDecimal = errors.New("not a decimal number")

// Decimal is a decimal number as the service sends it: a sign, digits and
// at most one decimal point ("0.0125", "-3", ".5", "7."), with no exponent.
// The string is kept as received; the zero value "" is not a number.
//
// Responses are checked against the pattern of openapi.yaml, so a
// malformed amount is a validation error there; under ValidationOff it
// reaches the model as is, and Rat and Float64 report it (ErrNotDecimal),
// never as zero.
type Decimal string

// String returns the decimal exactly as the service sent it.
func (d Decimal) String() string { return string(d) }

// Rat returns the exact value, or an error matching ErrNotDecimal.
func (d Decimal) Rat() (*big.Rat, error) {
	if !Valid(string(d)) {
		return nil, d.syntaxError()
	}
	r, ok := new(big.Rat).SetString(string(d))
	if !ok { // not reached: SetString reads every string Valid accepts
		return nil, d.syntaxError()
	}
	return r, nil
}

// Float64 returns the float64 nearest to the value (not exact: use Rat to
// add or compare amounts), or an error matching ErrNotDecimal. A value
// beyond float64's range returns ±Inf and an error matching
// strconv.ErrRange.
func (d Decimal) Float64() (float64, error) {
	if !Valid(string(d)) {
		return 0, d.syntaxError()
	}
	f, err := strconv.ParseFloat(string(d), 64)
	if err != nil {
		return f, fmt.Errorf("apidecimal: %q: %w", d.short(), errors.Unwrap(err))
	}
	return f, nil
}

// Valid reports whether s is a decimal number: an optional sign, then
// digits with at most one decimal point and at least one digit. It accepts
// exactly the strings of the pattern openapi.yaml gives decimals,
// ^[+-]?(\d+\.?\d*|\.\d+)$.
func Valid(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

func (d Decimal) syntaxError() error {
	return fmt.Errorf("apidecimal: %q is %w", d.short(), ErrNotDecimal)
}

// short bounds what an error quotes of a malformed value.
func (d Decimal) short() string {
	if len(d) > 40 {
		return string(d[:40]) + "..."
	}
	return string(d)
}
