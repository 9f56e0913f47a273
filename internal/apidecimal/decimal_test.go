package apidecimal

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
)

func TestRatIsExact(t *testing.T) {
	for in, want := range map[Decimal]string{
		"0":      "0",
		"0.0125": "1/80",
		"-3":     "-3",
		"+2.50":  "5/2",
		".5":     "1/2",
		"7.":     "7",
		"-0.000": "0",
		// More digits than a float64 holds, kept to the last one.
		"12345678901234567890.123456789012345678901": "12345678901234567890123456789012345678901/1000000000000000000000",
	} {
		got, err := in.Rat()
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got.RatString() != want {
			t.Errorf("%q.Rat() = %s, want %s", in, got.RatString(), want)
		}
	}
	// Amounts add up exactly, which float64 does not: 0.1 + 0.2 is 0.3.
	a, _ := Decimal("0.1").Rat()
	b, _ := Decimal("0.2").Rat()
	c, _ := Decimal("0.3").Rat()
	if new(big.Rat).Add(a, b).Cmp(c) != 0 {
		t.Error("0.1 + 0.2 != 0.3 in Rat")
	}
}

func TestFloat64IsTheNearest(t *testing.T) {
	for in, want := range map[Decimal]float64{"0.0125": 0.0125, "-3": -3, ".5": 0.5, "7.": 7, "0.1": 0.1} {
		got, err := in.Float64()
		if err != nil || got != want {
			t.Errorf("%q.Float64() = %v, %v; want %v", in, got, err, want)
		}
	}
	huge := Decimal("1" + strings.Repeat("0", 400))
	f, err := huge.Float64()
	if !math.IsInf(f, 1) || !errors.Is(err, strconv.ErrRange) {
		t.Errorf("a 401-digit value: %v, %v; want +Inf and ErrRange", f, err)
	}
	if _, err := huge.Rat(); err != nil {
		t.Errorf("Rat reads any length: %v", err)
	}
}

// A malformed amount is an error, never zero: under ValidationOff it
// reaches the model unchecked.
func TestMalformedIsAnErrorNotZero(t *testing.T) {
	for _, in := range []Decimal{"", "+", "-", ".", "-.", "1.2.3", "lots", " 1", "1 ", "1e5", "1E-7", "1/3", "0x10", "1_000", "NaN", "Infinity", "١"} {
		r, err := in.Rat()
		if r != nil || !errors.Is(err, ErrNotDecimal) {
			t.Errorf("%q.Rat() = %v, %v; want nil and ErrNotDecimal", in, r, err)
		}
		f, err := in.Float64()
		if f != 0 || !errors.Is(err, ErrNotDecimal) {
			t.Errorf("%q.Float64() = %v, %v; want ErrNotDecimal", in, f, err)
		}
		if Valid(string(in)) {
			t.Errorf("Valid(%q)", in)
		}
	}
	_, err := Decimal("lots").Rat()
	if want := `apidecimal: "lots" is not a decimal number`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	_, err = Decimal(strings.Repeat("x", 1000)).Rat()
	if len(err.Error()) > 100 {
		t.Errorf("the error quotes a long value whole: %d bytes", len(err.Error()))
	}
}

// The string is kept as sent, through JSON both ways.
func TestJSONKeepsTheString(t *testing.T) {
	var v struct {
		Cost *Decimal `json:"cost"`
	}
	in := `{"cost":"0.012500000000000000000001"}`
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.Cost.String() != "0.012500000000000000000001" {
		t.Errorf("decoded %q", *v.Cost)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != in {
		t.Errorf("encoded %s, %v", out, err)
	}
	if json.Unmarshal([]byte(`{"cost":0.5}`), &v) == nil {
		t.Error("a JSON number decoded into Decimal; the API sends strings")
	}
}
