package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/repnames"
)

// TestInboxCardNamesTheOwner: the answered card said the verdict and its
// reason but not who gave it: a manager watching the inbox could not tell
// whose lead it was (the MQL list and the reports name the owner). The
// card names the rep the verdict was recorded under: a Japanese name as
// given (kintone's 担当者), whole; an SFA's owner id by the name learned for
// it, as the MQL list names it, never the id.
func TestInboxCardNamesTheOwner(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	at := f.clk.Now()
	a := qualifyToInbox(t, f, "own-a", "a@maker.example", map[string]string{"last_name": "田中", "title": "部長", "employees": "500"}, nil)
	if res, err := a.Q.OutcomeOf(ctx, a.P.ID, "accepted", "k1", qualify.Owner{Name: "長谷川 美穂子"}, "", at.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("accepted: %+v %v", res, err)
	}
	b := qualifyToInbox(t, f, "own-b", "b@maker.example", map[string]string{"last_name": "佐藤", "title": "部長", "employees": "500"}, nil)
	const id = "0055g00000AbCdEAAZ"
	if res, err := b.Q.OutcomeOf(ctx, b.P.ID, "accepted", "s1", qualify.Owner{Name: id, ID: repnames.Salesforce(id)}, "", at.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("accepted: %+v %v", res, err)
	}
	if err := repnames.Remember(ctx, f.tb, map[string]string{repnames.Salesforce(id): "インサイドセールス"}); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(at.Add(2 * time.Hour))
	serveScoring(t, f)
	for lang, label := range map[string]string{"ja": "担当者：", "en": "Owner: "} {
		page := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if page.code != 200 {
			t.Fatalf("%s: %d %s", lang, page.code, page.body)
		}
		for _, want := range []string{label + "<bdi>長谷川 美穂子</bdi>", label + "<bdi>インサイドセールス</bdi>"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("%s: the answered card does not name its owner %q:\n%s", lang, want, page.body)
			}
		}
		if strings.Contains(page.body, id) {
			t.Errorf("%s: the card shows the SFA's owner id %s", lang, id)
		}
	}
}

// TestOutcomeOwnerBoundedByCharacter: an owner a Salesforce Flow or the
// signed webhook gave (the admin API refuses one over 200 bytes) was kept
// whatever its length on the person's history, and shown so on the card.
// It is kept to qualify.MaxOwnerRunes characters, the last an ellipsis,
// never a Japanese character cut in two.
func TestOutcomeOwnerBoundedByCharacter(t *testing.T) {
	f := newFixture(t)
	il := qualifyToInbox(t, f, "own-long", "long@maker.example", map[string]string{"last_name": "田中", "title": "部長", "employees": "500"}, nil)
	ctx := context.Background()
	long := strings.Repeat("営業一課担当", 100) // 600 characters
	if res, err := il.Q.OutcomeOf(ctx, il.P.ID, "accepted", "wh-1", qualify.Owner{Name: long}, "", f.clk.Now().Add(time.Minute)); err != nil || !res.Applied {
		t.Fatalf("accepted: %+v %v", res, err)
	}
	hist, err := il.Q.History(ctx, il.P.ID)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history %+v %v", hist, err)
	}
	got := hist[len(hist)-1].Owner
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) != qualify.MaxOwnerRunes || !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("owner kept as %d characters (%d bytes, valid %v), want %d ending in …", utf8.RuneCountInString(got), len(got), utf8.ValidString(got), qualify.MaxOwnerRunes)
	}
}

// TestOutcomeAPIOwnerInCharacters: the admin API refused an owner over 200
// bytes, a Japanese rep's name of 67 characters, while the same name from
// a Salesforce Flow or kintone is kept whole up to qualify.MaxOwnerRunes
// characters. The API takes what is kept, counted in characters, and
// refuses one longer saying the bound.
func TestOutcomeAPIOwnerInCharacters(t *testing.T) {
	f := newFixture(t)
	q, dir := servedSalesHistory(t, f)
	ctx := context.Background()
	p, err := dir.ByEmail(ctx, "waiting@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	post := func(owner string) answer {
		t.Helper()
		return f.req("POST", "/admin/people/"+p.ID+"/outcome", `{"outcome":"accepted","owner":"`+owner+`"}`, "Authorization", "Bearer "+fullToken, "Content-Type", "application/json")
	}
	long := strings.Repeat("営", qualify.MaxOwnerRunes+1)
	if a := post(long); a.code != 400 || !strings.Contains(a.body, "owner: at most 254 characters") {
		t.Fatalf("%d characters: %d %s", qualify.MaxOwnerRunes+1, a.code, a.body)
	}
	name := strings.Repeat("営業一課", 20) // 80 characters, 240 bytes
	if a := post(name); a.code != 200 || !strings.Contains(a.body, `"applied":true`) {
		t.Fatalf("80 characters: %d %s", a.code, a.body)
	}
	hist, err := q.History(ctx, p.ID)
	if err != nil || len(hist) == 0 || hist[len(hist)-1].Owner != name {
		t.Fatalf("owner kept: %+v %v", hist, err)
	}
}
