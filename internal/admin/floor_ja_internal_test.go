package admin

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/rulebook"
)

// TestFloorRefusalInJapanese: a matrix row naming only grades no one has
// (C: 0 with only positive fit rules: no one is D) is refused; the
// condition's other rows still qualify people, so the Japanese must not
// say no one becomes an MQL (これでは誰も MQL になりません), but that this
// part applies to no one.
func TestFloorRefusalInJapanese(t *testing.T) {
	_, err := rulebook.Parse("candidate.yaml", []byte("fit:\n  rules:\n    - {name: exec, attribute: title, match: '*部長*', points: 30}\ngrades: {A: 30, B: 20, C: 0}\nbands: [{name: hot, min: 60}, {name: cold, min: 0}]\nmql:\n  - name: cross\n    matrix:\n      hot: [A, B]\n      cold: [D]\n"))
	if err == nil {
		t.Fatal("taken")
	}
	got := page{L: "ja"}.T(err.Error())
	want := "candidate.yaml の 10 行目（mql[0].matrix.cold）：grades.C が 0 で、適合度スコアは最低でも 0（適合度ルールのマイナスの点数の合計）のため、全員がグレード C 以上になり、誰もグレード D になりません。この指定は誰にも当てはまりません。grades.C を 0 より大きくするか、適合度ルールにマイナスの点数を加えてください。"
	if got != want || strings.Contains(got, "誰も MQL になりません") {
		t.Errorf("%s\n\tgot  %s\n\twant %s", err, got, want)
	}
}
