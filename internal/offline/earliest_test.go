package offline

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestNewPersonKnownSinceTheirEarliestTouch: a person the list makes is
// created as of their earliest touch in it, its channel their source,
// whatever the rows' order. The first row made them: a seminar above an
// earlier exhibition dated their lead by the seminar and named it their
// source, while the exhibition scored and was the funnel's first touch. A
// no-show's row makes nobody, so its day is not theirs.
func TestNewPersonKnownSinceTheirEarliestTouch(t *testing.T) {
	const (
		header     = "氏名,メールアドレス,イベント名,日付,チャネル,出欠\r\n"
		noShow     = "伊藤 健,ken@client.example,春のウェビナー,2026/10/01,ウェビナー,欠席\r\n"
		seminar    = "伊藤 健,ken@client.example,製造業DXセミナー,2026/10/28,セミナー,出席\r\n"
		exhibition = "伊藤 健,ken@client.example,Japan IT Week 秋,2026/10/20,展示会,出席\r\n"
		card       = "伊藤 健,ken@client.example,Japan IT Week 秋 名刺,2026/10/20,名刺交換,出席\r\n"
	)
	exhibitionDay := time.Date(2026, 10, 20, 0, 0, 0, 0, tokyo)
	for _, c := range []struct {
		name string
		rows []string
	}{
		{"reversed", []string{seminar, exhibition}},
		{"in date order", []string{exhibition, seminar}},
		{"a no-show first", []string{noShow, seminar, exhibition}},
		// The same day twice: the row above names the source.
		{"a tie", []string{seminar, exhibition, card}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			res, err := f.im.Import(ctx, strings.NewReader(header+strings.Join(c.rows, "")), Defaults{})
			if err != nil || res.NewPeople != 1 || len(res.Errors) != 0 {
				t.Fatalf("%+v %v", res, err)
			}
			p, err := f.dir.ByEmail(ctx, "ken@client.example")
			if err != nil {
				t.Fatal(err)
			}
			if !p.CreatedAt.Equal(exhibitionDay) || p.Source != "offline:exhibition" {
				t.Errorf("created %v from %q, want %v from offline:exhibition", p.CreatedAt, p.Source, exhibitionDay)
			}
		})
	}

	// A later list's earlier touch leaves them as they were made: their
	// lead's stage change and the funnel's counters were written as of
	// their creation, and moving it would set the person apart from both.
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.im.Import(ctx, strings.NewReader(header+seminar), Defaults{}); err != nil {
		t.Fatal(err)
	}
	res, err := f.im.Import(ctx, strings.NewReader(header+exhibition), Defaults{})
	if err != nil || res.Imported != 1 || res.NewPeople != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err := f.dir.ByEmail(ctx, "ken@client.example")
	if want := time.Date(2026, 10, 28, 0, 0, 0, 0, tokyo); err != nil || !p.CreatedAt.Equal(want) || p.Source != "offline:seminar" {
		t.Errorf("created %v from %q (%v), want as the first list made him: %v from offline:seminar", p.CreatedAt, p.Source, err, want)
	}
}
