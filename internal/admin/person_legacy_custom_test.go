package admin_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
)

// TestPersonPageShowsLegacyMobileOnce: a person imported before name_kana
// and mobile existed has a list's フリガナ and 携帯電話 custom; a later list
// gave them the attributes too, and the person page showed the reading and
// the number twice (フリガナ and 氏名（フリガナ）, 携帯電話 twice). Once each.
func TestPersonPageShowsLegacyMobileOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	f.h.People, f.h.Timelines = dir, &identity.Stitcher{Dir: dir, Log: &eventlog.Log{T: f.tb}}
	p, _, err := dir.EnsureWith(ctx, "taro@client.example", "offline:exhibition",
		map[string]string{"name": "山田 太郎", "name_kana": "ヤマダ タロウ", "mobile": "090-1234-5678"},
		map[string]string{"フリガナ": "ヤマダ タロウ", "携帯電話": "090-1234-5678"})
	if err != nil {
		t.Fatal(err)
	}
	a := f.req("GET", "/admin/people/"+p.ID+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	for _, v := range []string{"ヤマダ タロウ", "090-1234-5678"} {
		if n := strings.Count(a.body, v); n != 1 {
			t.Errorf("%s shown %d times", v, n)
		}
	}
}
