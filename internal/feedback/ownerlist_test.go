package feedback

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestHubSpotOwnersListed: owners were read one GET each (cached an hour),
// so a team of 250 reps was 250 calls against a private app's 100 (or 190)
// requests per 10 s. The account's owners are read as a list, 100 a call:
// 250 owners named in 3 calls; the archived owners' list is read only
// when an id is not among the active (1 call for both archived reps); an
// owner added since the lists were read is read alone, once.
func TestHubSpotOwnersListed(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	clk := clock.NewManual(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	hs.Now = clk.Now
	hs.Owners = map[string]*crmfake.HubSpotOwner{
		"60000001": {ID: "60000001", Email: "left1@maker.example", Archived: true},
		"60000002": {ID: "60000002", FirstName: "花子", LastName: "佐藤", Archived: true},
	}
	var ids []string
	for i := range 250 {
		id := fmt.Sprint(70000000 + i)
		ids = append(ids, id)
		hs.Owners[id] = &crmfake.HubSpotOwner{ID: id, Email: fmt.Sprintf("rep%d@maker.example", i), UserID: int64(9000000 + i)}
	}
	api := &HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	h := &Handler{HubSpotOwners: api, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	name := func(id string) string {
		down := false
		n := h.ownerName(ctx, ctx, id, &down)
		if down {
			t.Errorf("owner %s: HubSpot taken for down", id)
		}
		return n
	}
	reads := func() (list, one int) {
		hs.Lock()
		defer hs.Unlock()
		for call, n := range hs.Calls {
			if call == "GET /crm/v3/owners" {
				list += n
			} else if strings.HasPrefix(call, "GET /crm/v3/owners/") {
				one += n
			}
		}
		return list, one
	}
	for i, id := range ids {
		if got := name(id); got != fmt.Sprintf("rep%d@maker.example", i) {
			t.Fatalf("owner %s named %q", id, got)
		}
	}
	if list, one := reads(); list != 3 || one != 0 {
		t.Fatalf("250 owners: %d reads of the list, %d of an owner alone; want 3 and none", list, one)
	}
	if a, b := name("60000001"), name("60000002"); a != "left1@maker.example" || b != "佐藤 花子" {
		t.Errorf("archived owners named %q, %q", a, b)
	}
	if list, one := reads(); list != 4 || one != 0 {
		t.Errorf("archived owners: %d reads of the lists, %d of an owner alone; want 4 and none", list, one)
	}
	// An owner since: not in the lists read, read alone, then remembered.
	clk.Advance(10 * time.Minute)
	hs.Lock()
	hs.Owners["80000000"] = &crmfake.HubSpotOwner{ID: "80000000", Email: "new@maker.example"}
	hs.Unlock()
	if got, again := name("80000000"), name("80000000"); got != "new@maker.example" || again != got {
		t.Errorf("a new owner named %q, then %q", got, again)
	}
	if list, one := reads(); list != 4 || one != 1 {
		t.Errorf("a new owner: %d reads of the lists, %d of an owner alone; want 4 and 1", list, one)
	}
	// Past the hour the lists are read again: a changed email shows.
	clk.Advance(time.Hour)
	hs.Lock()
	hs.Owners[ids[0]].Email = "rep0.new@maker.example"
	hs.Unlock()
	if got := name(ids[0]); got != "rep0.new@maker.example" {
		t.Errorf("after the hour: %q", got)
	}
	if list, _ := reads(); list != 7 {
		t.Errorf("after the hour: %d reads of the lists, want 7 (4, and 251 owners again)", list)
	}
}

// TestHubSpotOwnersListContinued: a list read that failed part way was
// thrown away, pages and all, and the next batch read it from its first
// page again. Its pages read name their owners at once, and the next
// batch continues at the page that failed: 1,000 owners read in 10 calls
// and the one that failed, the first page once.
func TestHubSpotOwnersListContinued(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	clk := clock.NewManual(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	hs.Now = clk.Now
	hs.Owners = map[string]*crmfake.HubSpotOwner{}
	for i := range 1000 {
		id := fmt.Sprint(70000000 + i)
		hs.Owners[id] = &crmfake.HubSpotOwner{ID: id, Email: fmt.Sprintf("rep%d@maker.example", i)}
	}
	target, _ := url.Parse(hs.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var lists, first, gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := 0
		switch {
		case r.URL.Path == "/crm/v3/owners":
			lists++
			n = lists
			if !r.URL.Query().Has("after") {
				first++
			}
		case strings.HasPrefix(r.URL.Path, "/crm/v3/owners/"):
			gets++
		}
		mu.Unlock()
		if n == 5 { // the fifth page fails
			http.Error(w, `{"status":"error","message":"bad gateway"}`, http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	api := &HubSpotDeals{BaseURL: srv.URL, Token: hs.Token}
	h := &Handler{HubSpotOwners: api, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	name := func(id string) (string, bool) {
		down := false
		return h.ownerName(ctx, ctx, id, &down), down
	}
	// The first batch: pages 1-4 read, the fifth fails (down).
	if got, down := name("70000950"); got != "70000950" || !down {
		t.Errorf("an owner of the 10th page, the list failing at the 5th: %q, down %v", got, down)
	}
	if got, _ := name("70000150"); got != "rep150@maker.example" {
		t.Errorf("an owner of the 2nd page read: %q", got)
	}
	// The next batch continues at the fifth page.
	clk.Advance(time.Minute)
	if got, down := name("70000950"); got != "rep950@maker.example" || down {
		t.Errorf("the next batch: %q, down %v", got, down)
	}
	if got, _ := name("70000550"); got != "rep550@maker.example" {
		t.Errorf("an owner of the 6th page: %q", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if lists != 11 || first != 1 || gets != 0 {
		t.Errorf("%d calls of the list (%d of its first page), %d of an owner alone; want 11, 1, none", lists, first, gets)
	}
}

// TestHubSpotOwnersListStaleCursor: a list continued by a later delivery
// sends the cursor saved up to an hour before, which HubSpot may no
// longer know (the fake answers such an after 400). The 400 was taken
// for the token refused: the owners' GETs were not asked for 10 minutes
// (the rep recorded under the bare id), and the page kept to be tried
// again. It drops the cursor: the rep is read alone, and the next
// delivery reads the list from its first page.
func TestHubSpotOwnersListStaleCursor(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	clk := clock.NewManual(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	hs.Now = clk.Now
	hs.Owners = map[string]*crmfake.HubSpotOwner{}
	for i := range 250 {
		id := fmt.Sprint(70000000 + i)
		hs.Owners[id] = &crmfake.HubSpotOwner{ID: id, Email: fmt.Sprintf("rep%d@maker.example", i)}
	}
	target, _ := url.Parse(hs.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var afters []string // the after of each call of the list ("": its first page)
	var gets int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n := 0
		switch {
		case r.URL.Path == "/crm/v3/owners":
			afters = append(afters, r.URL.Query().Get("after"))
			n = len(afters)
		case strings.HasPrefix(r.URL.Path, "/crm/v3/owners/"):
			gets++
		}
		mu.Unlock()
		if n == 2 { // the first delivery's second page fails: the list is continued later
			http.Error(w, `{"status":"error","message":"bad gateway"}`, http.StatusBadGateway)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer srv.Close()
	api := &HubSpotDeals{BaseURL: srv.URL, Token: hs.Token}
	h := &Handler{HubSpotOwners: api, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()
	name := func(id string) (string, bool) {
		down := false
		return h.ownerName(ctx, ctx, id, &down), down
	}
	if got, down := name("70000200"); got != "70000200" || !down {
		t.Fatalf("the first delivery, the list failing at its second page: %q, down %v", got, down)
	}
	// Most owners leave and one joins: the cursor saved (ow100) is past
	// the list's end, which the fake refuses.
	hs.Lock()
	for i := 50; i < 250; i++ {
		delete(hs.Owners, fmt.Sprint(70000000+i))
	}
	hs.Owners["80000000"] = &crmfake.HubSpotOwner{ID: "80000000", Email: "new@maker.example"}
	hs.Unlock()
	clk.Advance(time.Minute)
	if got, down := name("80000000"); got != "new@maker.example" || down {
		t.Errorf("the next delivery, its cursor refused: %q, down %v; want the owner read alone", got, down)
	}
	if h.refused("owners") {
		t.Error("a refused cursor taken for the token refused")
	}
	// The delivery after reads the list from its first page: an owner
	// since is named by it, not read alone.
	hs.Lock()
	hs.Owners["80000001"] = &crmfake.HubSpotOwner{ID: "80000001", Email: "newer@maker.example"}
	hs.Unlock()
	clk.Advance(time.Minute)
	if got, down := name("80000001"); got != "newer@maker.example" || down {
		t.Errorf("the delivery after: %q, down %v", got, down)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"", "ow100", "ow100", ""}; fmt.Sprint(afters) != fmt.Sprint(want) || gets != 1 {
		t.Errorf("list calls with after %q, %d GETs of an owner alone; want %q and 1", afters, gets, want)
	}
}
