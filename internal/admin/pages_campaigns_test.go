package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/table"
)

// TestNewCampaignFormRefusesAnExistingID: the new-campaign form with an
// existing campaign's id said "Campaign created." and changed that
// campaign's send time (its scanner window is judged from it) and added
// links. It is refused by the id field, saying why, in English and
// Japanese, with what was typed kept; the campaign is as it was.
func TestNewCampaignFormRefusesAnExistingID(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	post := func(v url.Values, query string) answer {
		v.Set("csrf", csrf)
		return f.req("POST", "/admin/campaigns"+query, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	}
	sent := f.clk.Now().Add(24 * time.Hour).Format("2006-01-02T15:04")
	first := url.Values{"id": {"camp-a"}, "urls": {"https://www.example.com/a"}, "sent_at": {sent}}
	if a := post(first, ""); a.code != 303 || a.hdr.Get("Location") != "campaigns/camp-a?m=created" {
		t.Fatalf("create: %d %v %s", a.code, a.hdr, a.body)
	}
	stored := func() (c struct {
		Campaign struct{ SentAt time.Time }
		Links    []struct{ URL string }
	}) {
		t.Helper()
		a := f.req("GET", "/admin/campaigns/camp-a", "", "Authorization", "Bearer "+fullToken)
		if a.code != 200 || json.Unmarshal([]byte(a.body), &c) != nil {
			t.Fatalf("camp-a: %d %s", a.code, a.body)
		}
		return c
	}
	before := stored()
	later := f.clk.Now().Add(48 * time.Hour).Format("2006-01-02T15:04")
	again := url.Values{"id": {"camp-a"}, "name": {"Again"}, "urls": {"https://www.example.com/b"}, "sent_at": {later}}
	a := post(again, "")
	if a.code != 400 || !strings.Contains(a.body, `<p class="error" role="alert" id="c-error" tabindex="-1" autofocus>Campaign camp-a exists already: choose another id, or open it from the list above.</p>`) ||
		!strings.Contains(a.body, `value="camp-a"`) || !strings.Contains(a.body, `value="`+later+`"`) || !strings.Contains(a.body, `aria-invalid="true"`) ||
		strings.Contains(a.body, "Campaign created") {
		t.Errorf("the same id again: %d %s", a.code, a.body)
	}
	if a := post(again, "?lang=ja"); a.code != 400 || !strings.Contains(a.body, "キャンペーン camp-a はすでにあります。別の ID にするか、上の一覧から開いてください。") || strings.Contains(a.body, "exists already") {
		t.Errorf("the same id again, in Japanese: %d %s", a.code, a.body)
	}
	after := stored()
	if !after.Campaign.SentAt.Equal(before.Campaign.SentAt) || len(after.Links) != len(before.Links) || len(after.Links) != 1 {
		t.Errorf("a refused form changed the campaign: %+v, before %+v", after, before)
	}
	// Another id is created as before.
	if a := post(url.Values{"id": {"camp-b"}, "urls": {"https://www.example.com/b"}}, ""); a.code != 303 {
		t.Errorf("another id: %d %s", a.code, a.body)
	}
}

// TestCampaignsPageWhileTheListIsBuilt: the campaigns page copied the
// campaigns stored before the list was kept by a scan inside its request
// (on DynamoDB the whole table, past API Gateway's 30 s). The sweep copies
// them; until it has, the page shows what is listed and says the list is
// being built (the JSON: "complete": false), in English and Japanese.
func TestCampaignsPageWhileTheListIsBuilt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	old, _ := json.Marshal(links.Campaign{ID: "old-news", CreatedAt: f.clk.Now()})
	if err := f.tb.Put(ctx, table.Item{PK: "CAMP#old-news", SK: "CAMP", Kind: "campaign", Data: old}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	reg := &links.Registry{T: f.tb, Now: f.clk.Now}
	if _, err := reg.CreateCampaign(ctx, links.Campaign{ID: "nov-news"}); err != nil {
		t.Fatal(err)
	}
	f.h.Links = &links.Registry{T: scanFails{f.tb}, Now: f.clk.Now}
	list := func() (l struct {
		Campaigns []struct{ ID string }
		Complete  bool
	}) {
		t.Helper()
		a := f.req("GET", "/admin/campaigns", "", "Authorization", "Bearer "+fullToken)
		if a.code != 200 || json.Unmarshal([]byte(a.body), &l) != nil {
			t.Fatalf("list: %d %s", a.code, a.body)
		}
		return l
	}
	if l := list(); l.Complete || len(l.Campaigns) != 1 || l.Campaigns[0].ID != "nov-news" {
		t.Errorf("before the sweep: %+v", l)
	}
	cookie, _ := f.login(fullToken)
	if a := f.req("GET", "/admin/campaigns", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, "The list is being built") {
		t.Errorf("the page before the sweep: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/campaigns?lang=ja", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || !strings.Contains(a.body, "一覧を作成中です") {
		t.Errorf("the page before the sweep, in Japanese: %d %s", a.code, a.body)
	}
	if n, err := reg.ListOld(ctx); n != 1 || err != nil { // the sweep
		t.Fatalf("the sweep's copy: %d %v", n, err)
	}
	if l := list(); !l.Complete || len(l.Campaigns) != 2 {
		t.Errorf("after the sweep: %+v", l)
	}
	if a := f.req("GET", "/admin/campaigns", "", "Cookie", cookie, "Accept", "text/html"); a.code != 200 || strings.Contains(a.body, "The list is being built") || !strings.Contains(a.body, "old-news") {
		t.Errorf("the page after the sweep: %d %s", a.code, a.body)
	}
}

// scanFails is the table a request reads: a scan there reads every item of
// a DynamoDB table.
type scanFails struct{ table.Table }

func (scanFails) Scan(context.Context, string, func(table.Item) error) error {
	return errors.New("a scan inside the request")
}

func (scanFails) ScanPage(context.Context, string, string) ([]table.Item, string, error) {
	return nil, "", errors.New("a scan inside the request")
}
