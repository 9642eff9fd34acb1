package links

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/backends"
)

// onStores runs f on the embedded store and on DynamoDB (moto).
func onStores(t *testing.T, f func(t *testing.T, r *Registry, clk *clock.Manual)) {
	backends.EachClock(t, time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC), func(t *testing.T, tb table.Table, clk *clock.Manual) {
		f(t, &Registry{T: tb, Now: clk.Now}, clk)
	})
}

// between are the addresses from-to of one address book (both lists
// export the same people with the same addresses).
func between(from, to int) []string {
	out := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("person-%d@example.com", i))
	}
	return out
}

func recipients(t *testing.T, r *Registry, id string) int {
	t.Helper()
	c, err := r.Campaign(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Recipients
}

// TestOverlappingListsCountTheUnion: a send whose recipients came from two
// different lists (customers.csv, seminar-2026.csv) sharing people counted
// those people twice: its recipients were the lists' sum, and every rate
// per recipient was low. An address counts once across a send's parts; the
// same list again still counts once; a list uploaded without add replaces
// the others, their addresses with them.
func TestOverlappingListsCountTheUnion(t *testing.T) {
	onStores(t, func(t *testing.T, r *Registry, clk *clock.Manual) {
		ctx := context.Background()
		if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news"}); err != nil {
			t.Fatal(err)
		}
		customers := between(0, 50) // 50 customers
		seminar := between(20, 60)  // 40 attendees, 30 of them customers
		steps := []struct {
			name  string
			list  []string
			add   bool
			want  int
			parts int
		}{
			{"customers", customers, false, 50, 1},
			{"seminar", seminar, true, 60, 2},
			{"seminar-again", seminar, true, 60, 2},
			{"customers-again", customers, true, 60, 2},
			{"seminar", seminar, false, 40, 1}, // replaces: the customers count no more
			{"customers", customers, true, 60, 2},
		}
		for i, s := range steps {
			clk.Advance(time.Minute)
			file := strings.TrimSuffix(s.name, "-again")
			if _, err := r.ListMinted(ctx, "nov-news", file, s.list, s.add); err != nil {
				t.Fatal(err)
			}
			c, err := r.Campaign(ctx, "nov-news")
			if err != nil || c.Recipients != s.want || len(c.Parts) != s.parts || !c.ListAt.Equal(clk.Now()) {
				t.Fatalf("step %d (%s): %d recipients in %d parts (%v), want %d in %d", i, s.name, c.Recipients, len(c.Parts), err, s.want, s.parts)
			}
		}
		// Two overlapping lists uploaded at once (two tabs): each shared
		// address is claimed by one of them.
		if _, err := r.CreateCampaign(ctx, Campaign{ID: "dec-news"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i, l := range [][]string{between(0, 40), between(10, 50), between(30, 70)} {
			wg.Go(func() { _, errs[i] = r.ListMinted(ctx, "dec-news", fmt.Sprint("part", i), l, true) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := recipients(t, r, "dec-news"); n != 70 {
			t.Errorf("three overlapping parts at once: %d recipients, want 70", n)
		}
		// A campaign's addresses are its own: another send of the same
		// people counts them again, and keeps them under other hashes.
		h1, ok1, _ := r.AddressHash(ctx, "nov-news", "person-1@example.com")
		h2, ok2, _ := r.AddressHash(ctx, "dec-news", "person-1@example.com")
		if !ok1 || !ok2 || h1 == h2 || len(h1) != 32 {
			t.Errorf("hashes %q %v, %q %v: want one in each campaign, unlike", h1, ok1, h2, ok2)
		}
	})
}

// TestErasedRecipientLeavesNoHash: the hash that counts a recipient's
// address in a send is theirs (it tells whether they were on its list), so
// their disclosure shows it and their erasure removes it from every
// campaign; nothing else of the store names it. The campaigns' counts
// stay (the send reached them), and their lists uploaded again, without
// them (an erased person gets no token), do not count them again.
func TestErasedRecipientLeavesNoHash(t *testing.T) {
	onStores(t, func(t *testing.T, r *Registry, clk *clock.Manual) {
		ctx := context.Background()
		const victim, other = "person-5@example.com", "person-6@example.com"
		var hashes []string
		for _, id := range []string{"nov-news", "dec-news"} {
			if _, err := r.CreateCampaign(ctx, Campaign{ID: id}); err != nil {
				t.Fatal(err)
			}
			if _, err := r.ListMinted(ctx, id, "customers", between(0, 10), false); err != nil {
				t.Fatal(err)
			}
			if _, err := r.ListMinted(ctx, id, "seminar", between(5, 12), true); err != nil {
				t.Fatal(err)
			}
			h, ok, err := r.AddressHash(ctx, id, victim)
			if err != nil || !ok {
				t.Fatalf("%s keeps no hash of the victim: %v", id, err)
			}
			hashes = append(hashes, h)
		}
		s := privacy.Subject{Person: "p_000000000000000000000005", Email: victim}
		d, err := r.Disclose(ctx, s)
		if err != nil || len(d[KindRecipient]) != 2 {
			t.Fatalf("disclosure %v %v, want the victim's two sends", d, err)
		}
		var shown string
		for _, doc := range d[KindRecipient] {
			shown += string(doc)
		}
		for _, h := range hashes {
			if !strings.Contains(shown, h) {
				t.Errorf("the disclosure does not show the hash %s", h)
			}
		}
		rm, err := r.Forget(ctx, s)
		if err != nil || rm[KindRecipient] != 2 {
			t.Fatalf("forget: %v %v, want 2 recipient items", rm, err)
		}
		err = r.T.Scan(ctx, "", func(it table.Item) error {
			for _, h := range hashes {
				if strings.Contains(it.PK+it.SK+string(it.Data), h) {
					t.Errorf("after erasure %s %s still holds %s", it.PK, it.SK, h)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := r.AddressHash(ctx, "nov-news", other); !ok {
			t.Errorf("the other recipient's hash went too")
		}
		if rm, err := r.Forget(ctx, s); err != nil || rm.Total() != 0 {
			t.Errorf("forget again: %v %v", rm, err)
		}
		if n := recipients(t, r, "nov-news"); n != 12 {
			t.Errorf("after erasure: %d recipients, want the 12 the send reached", n)
		}
		// Uploaded again, the erased person refused (no token): a new part
		// of the others, who count already.
		without := append(between(5, 5), between(6, 12)...)
		if _, err := r.ListMinted(ctx, "nov-news", "seminar-fixed", without, true); err != nil {
			t.Fatal(err)
		}
		if n := recipients(t, r, "nov-news"); n != 12 {
			t.Errorf("the list again without the erased person: %d recipients, want 12", n)
		}
		if _, ok, _ := r.AddressHash(ctx, "nov-news", victim); ok {
			t.Errorf("the victim's hash is back")
		}
	})
}

// TestListCountSaysWhatChanged: an upload said only how many got a token,
// so list B (10 names, 3 in list A) added to A read "10" beside a send of
// 17, and a list replacing a send of two parts said nothing of them. The
// upload's ListCount says what was new, what the send had, and what a
// replacing list replaced.
func TestListCountSaysWhatChanged(t *testing.T) {
	onStores(t, func(t *testing.T, r *Registry, clk *clock.Manual) {
		ctx := context.Background()
		if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news"}); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			list []string
			add  bool
			want ListCount
		}{
			{"a", between(0, 10), false, ListCount{New: 10, Recipients: 10, Parts: 1}},
			{"b", between(7, 17), true, ListCount{New: 7, AlreadyInSend: 3, Recipients: 17, Parts: 2}},
			{"b", between(7, 17), true, ListCount{AlreadyInSend: 10, AlreadyCounted: true, Recipients: 17, Parts: 2}},
			{"c", between(0, 3), false, ListCount{New: 3, ReplacedParts: 2, ReplacedRecipients: 17, Recipients: 3, Parts: 1}},
		}
		for i, s := range steps {
			clk.Advance(time.Minute)
			got, err := r.ListMinted(ctx, "nov-news", s.name, s.list, s.add)
			if err != nil || got != s.want {
				t.Fatalf("step %d (%s): %+v %v, want %+v", i, s.name, got, err, s.want)
			}
		}
	})
}

// TestReplacedCountsEarlierLists: a campaign counts the lists a list not
// added replaced, so the page says "earlier lists not added" only when
// there were some: none for its first list nor for a part added to it;
// the parts a list replaces, all of them, once it replaces them.
func TestReplacedCountsEarlierLists(t *testing.T) {
	onStores(t, func(t *testing.T, r *Registry, clk *clock.Manual) {
		ctx := context.Background()
		if _, err := r.CreateCampaign(ctx, Campaign{ID: "nov-news"}); err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			file string
			add  bool
			want int
		}{{"first", false, 0}, {"part-2", true, 0}, {"fixed", false, 2}, {"again", false, 3}} {
			if _, err := r.ListMinted(ctx, "nov-news", s.file, between(0, 3), s.add); err != nil {
				t.Fatal(err)
			}
			if c, err := r.Campaign(ctx, "nov-news"); err != nil || c.Replaced != s.want {
				t.Fatalf("after %s: replaced %d, want %d (%v)", s.file, c.Replaced, s.want, err)
			}
		}
		// Its name or UTM edited (POST /admin/links again) keeps the count.
		if _, _, err := r.PutCampaign(ctx, Campaign{ID: "nov-news", Name: "11月号"}); err != nil {
			t.Fatal(err)
		}
		if c, _ := r.Campaign(ctx, "nov-news"); c.Replaced != 3 {
			t.Fatalf("after an edit: replaced %d", c.Replaced)
		}
	})
}
