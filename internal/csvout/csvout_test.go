package csvout

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/width"
)

func TestBOMAndFormulaCells(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, true)
	if err := w.WriteAll([][]string{
		{"source", "count"},
		{`=HYPERLINK("http://evil.example","x")`, "3"},
		{"+cmd|' /C calc'!A0", "-5"},
		{"@SUM(A1)", "+3.2"},
		{"+Inf", "-0x1p-2"},
		{"\tTAB", "-"},
		{"株式会社テスト", "0"},
		{"+81-90-1234-5678", "-(03) 1234/5678"},
		{"-1+cmd|' /C calc'!A0", "+81 90 x"},
		{"＝ＨＹＰＥＲＬＩＮＫ(\"http://evil.example\")", "＋８１－９０－１２３４－５６７８"},
		{"＠ＳＵＭ(Ａ１)", "－"},
		{"＋cmd|' /C calc'!A0", "ー"},
	}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(out, BOM) {
		t.Fatal("no BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"source", "count"},
		{`'=HYPERLINK("http://evil.example","x")`, "3"},
		{"'+cmd|' /C calc'!A0", "-5"},
		{"'@SUM(A1)", "+3.2"},
		{"'+Inf", "'-0x1p-2"},
		{"'\tTAB", "-"},
		{"株式会社テスト", "0"},
		{"+81-90-1234-5678", "-(03) 1234/5678"}, // no name to call: a phone number stays
		{"'-1+cmd|' /C calc'!A0", "'+81 90 x"},
		// Japanese Excel reads full-width as half-width: the same guard, the same exceptions
		{"'＝ＨＹＰＥＲＬＩＮＫ(\"http://evil.example\")", "＋８１－９０－１２３４－５６７８"},
		{"'＠ＳＵＭ(Ａ１)", "－"},
		{"'＋cmd|' /C calc'!A0", "ー"},
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: %q, want %q", i, recs[i], want[i])
		}
	}
}

func TestEmptyFileHasBOM(t *testing.T) {
	var b bytes.Buffer
	if err := NewWriter(&b, false).Flush(); err != nil || b.String() != BOM {
		t.Fatalf("%q %v", b.String(), err)
	}
}

func FuzzCell(f *testing.F) {
	f.Add("=1+1")
	f.Add("-3")
	f.Add("+81-90-1234-5678")
	f.Add("＝1+1")
	f.Fuzz(func(t *testing.T, s string) {
		c := Cell(s)
		// Left formula-like only when it can call nothing: a sign, then
		// digits, spaces, arithmetic and a number's exponent; read as
		// Japanese Excel reads what is typed (full width as half).
		if h := width.Fold.String(c); h != "" && (strings.ContainsRune("=@\t\r", rune(h[0])) ||
			strings.ContainsRune("+-", rune(h[0])) && strings.Trim(h, "0123456789 ()./+-eE") != "") {
			t.Fatalf("%q left as %q", s, c)
		}
		// Otherwise only an apostrophe before it, and its carriage
		// returns written as line feeds (TestLineBreaksInACell).
		if b := cellBreaks.Replace(s); c != b && c != "'"+b {
			t.Fatalf("%q changed to %q", s, c)
		}
	})
}

// TestLineBreaksInACell: a cell's line breaks come back as breaks from the
// file Excel's line ends are written with; a lone carriage return was
// dropped by encoding/csv (FuzzMint: a title "\rト" came back "ト").
func TestLineBreaksInACell(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, true)
	if err := w.WriteAll([][]string{{"a\rb", "c\r\nd", "e\nf", "\rト"}}); err != nil {
		t.Fatal(err)
	}
	rec, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), BOM))).Read()
	if want := []string{"a\nb", "c\nd", "e\nf", "'\nト"}; err != nil || !slices.Equal(rec, want) {
		t.Errorf("read back %q %v, want %q (%q)", rec, err, want, b.String())
	}
}
