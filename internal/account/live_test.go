package account

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
)

// scoresOf answers every person's record with 7 points, counting reads.
type scoresOf struct {
	mu    sync.Mutex
	reads map[string]int
}

func (s *scoresOf) Record(_ context.Context, person string) (qualify.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reads == nil {
		s.reads = map[string]int{}
	}
	s.reads[person]++
	return qualify.Record{Person: person, Stage: "mql", Verdict: qualify.Verdict{Behaviour: 7, Grade: "A", Band: "cold"}}, nil
}

func (s *scoresOf) total() int {
	n := 0
	for _, k := range s.reads {
		n += k
	}
	return n
}

func members(n int, points float64) []Member {
	var ms []Member
	for i := range n {
		ms = append(ms, Member{Person: fmt.Sprintf("p%d", i), Behaviour: points})
	}
	return ms
}

// TestLiveReadsOnePage: Live reads the score records of the page's members
// and of the LiveMembers most recently active (one each, once), shows the
// page's as read, and sums the account over the LiveMembers first as read
// and the others as held: the same figures on every page.
func TestLiveReadsOnePage(t *testing.T) {
	a := Account{Fit: 1, Members: members(MembersPage+50, 1)}
	want := float64(LiveMembers*7 + MembersPage + 50 - LiveMembers)
	for _, c := range []struct{ page, people, reads int }{{0, MembersPage, MembersPage}, {1, 50, 50 + LiveMembers}} {
		s := &scoresOf{}
		live, people, err := (&Book{Scores: s}).Live(context.Background(), a, c.page)
		if err != nil || len(people) != c.people || s.total() != c.reads || len(s.reads) != c.reads ||
			people[0].Person != fmt.Sprintf("p%d", c.page*MembersPage) || people[0].Behaviour != 7 || people[0].Stage != "mql" {
			t.Fatalf("page %d: %d people, %d reads of %d people, first %+v: %v", c.page, len(people), s.total(), len(s.reads), people[0], err)
		}
		if live.Behaviour != want || live.Score != want+1 || a.Members[0].Behaviour != 1 {
			t.Fatalf("page %d: behaviour %v (want %v), score %v; the caller's account changed: %v", c.page, live.Behaviour, want, live.Score, a.Members[0].Behaviour != 1)
		}
		cur, err := (&Book{Scores: s}).Current(context.Background(), a)
		if err != nil || cur.Score != live.Score || cur.Behaviour != live.Behaviour {
			t.Fatalf("page %d shows %v (%v), Current %v (%v): %v", c.page, live.Score, live.Behaviour, cur.Score, cur.Behaviour, err)
		}
	}
	if _, people, _ := (&Book{Scores: &scoresOf{}}).Live(context.Background(), a, 4); len(people) != 0 {
		t.Fatalf("past the last page: %d people", len(people))
	}
}

// TestCurrentPageBoundedAndOrdered: the list reads at most LiveMembers
// records an account, whatever its size, and orders a page by score by the
// figures it shows: an account the item holds at 3 whose person has 7 now
// stands above one held and shown at 5.
func TestCurrentPageBoundedAndOrdered(t *testing.T) {
	big := Account{ID: "big", Members: members(MaxMembers, 0)}
	held := Account{ID: "held", Score: 3, Behaviour: 3, Members: members(1, 3)}
	fixed := Account{ID: "fixed", Score: 5, Behaviour: 5, Members: []Member{{Person: "q", Behaviour: 5}}}
	fixedScores := &fixedOf{scoresOf: &scoresOf{}, fixed: map[string]float64{"q": 5}}
	as := []Account{fixed, held, big}
	if err := (&Book{Scores: fixedScores}).CurrentPage(context.Background(), as, ByScore); err != nil {
		t.Fatal(err)
	}
	if n := fixedScores.total(); n != LiveMembers+2 {
		t.Errorf("%d records read for accounts of %d, 1 and 1 members, want %d", n, MaxMembers, LiveMembers+2)
	}
	var order []string
	var scores []float64
	for _, a := range as {
		order, scores = append(order, a.ID), append(scores, a.Score)
	}
	if !slices.Equal(order, []string{"big", "held", "fixed"}) || !slices.Equal(scores, []float64{LiveMembers * 7, 7, 5}) {
		t.Errorf("page by score: %v %v", order, scores)
	}
	as = []Account{fixed, held}
	if err := (&Book{Scores: fixedScores}).CurrentPage(context.Background(), as, ByActivity); err != nil || as[0].ID != "fixed" || as[1].Score != 7 {
		t.Errorf("by activity the order stays, the scores are current: %+v %v", as, err)
	}
}

// fixedOf answers some people's records with their own points.
type fixedOf struct {
	*scoresOf
	fixed map[string]float64
}

func (f *fixedOf) Record(ctx context.Context, person string) (qualify.Record, error) {
	rec, err := f.scoresOf.Record(ctx, person)
	if p, ok := f.fixed[person]; ok {
		rec.Verdict.Behaviour = p
	}
	return rec, err
}
