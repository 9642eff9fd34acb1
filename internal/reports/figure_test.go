package reports

import (
	"encoding/json"
	"testing"
)

// TestFigureJSON: not measured is null both ways; a measured 0 is 0.
func TestFigureJSON(t *testing.T) {
	b, err := json.Marshal(struct{ A, B, C Figure }{Figure{}, Measured(0), Measured(0.125)})
	if err != nil || string(b) != `{"A":null,"B":0,"C":0.125}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var back struct{ A, B, C Figure }
	if err := json.Unmarshal(b, &back); err != nil || back.A.Valid() || back.B != Measured(0) || back.C != Measured(0.125) {
		t.Fatalf("unmarshal: %+v %v", back, err)
	}
	for _, bad := range []string{`"0"`, `true`, `{}`, `nul`} {
		var f Figure
		if err := json.Unmarshal([]byte(bad), &f); err == nil {
			t.Errorf("%s read as %v", bad, f)
		}
	}
}

// FuzzFigureJSON: whatever a figure reads, it writes back and reads the same.
func FuzzFigureJSON(f *testing.F) {
	for _, s := range []string{`null`, `0`, `-0`, `0.125`, `1e308`, ` null `, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var x Figure
		if json.Unmarshal(in, &x) != nil {
			return
		}
		out, err := json.Marshal(x)
		if err != nil {
			t.Fatalf("%q read as %v, not written: %v", in, x, err)
		}
		var y Figure
		if err := json.Unmarshal(out, &y); err != nil || y != x {
			t.Fatalf("%q read as %v, written %s, read back as %v (%v)", in, x, out, y, err)
		}
	})
}
