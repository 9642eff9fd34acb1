package reports

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Figure is a share, rate or median that may not have been measured: a
// share of nothing (no MQL answered, no deal closed, no target) or a median
// of no times. Its zero value is "not measured": JSON null, an empty CSV
// cell, "—" on the pages. A 0 would read as measured ("0% within the SLA"
// is not "nobody answered yet"); a measured 0 stays 0. The report that
// computes a figure decides once whether it was measured, and the JSON,
// the CSV and the pages all read that decision.
type Figure struct {
	v  float64
	ok bool
}

// Measured is a figure that was measured.
func Measured(v float64) Figure { return Figure{v: v, ok: true} }

// Value is the figure and whether it was measured.
func (f Figure) Value() (float64, bool) { return f.v, f.ok }

// Valid says the figure was measured.
func (f Figure) Valid() bool { return f.ok }

// Float is the figure, 0 when it was not measured (for pages that ask
// Valid first).
func (f Figure) Float() float64 { return f.v }

// String is the figure as JSON says it.
func (f Figure) String() string {
	if !f.ok {
		return "null"
	}
	return strconv.FormatFloat(f.v, 'f', -1, 64)
}

// MarshalJSON says null for a figure not measured.
func (f Figure) MarshalJSON() ([]byte, error) {
	if !f.ok {
		return []byte("null"), nil
	}
	return json.Marshal(f.v)
}

// UnmarshalJSON reads null as not measured.
func (f *Figure) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*f = Figure{}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Measured(v)
	return nil
}
