package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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

// TestListShowsWhatThePageShows: for accounts of 1, 20, 21 and 150
// members the list's account (CurrentPage) has the behaviour and score of
// its page (Live) on every page of members, and its members as read: the
// first LiveMembers with their records' points, so that the members the
// list's JSON gives sum to its behaviour. The list gave them as the item
// held them (1 each) beside a behaviour that counted 7 each.
func TestListShowsWhatThePageShows(t *testing.T) {
	for _, n := range []int{1, LiveMembers, LiveMembers + 1, 150} {
		a := Account{ID: fmt.Sprintf("a%d", n), Fit: 2, Members: members(n, 1)}
		as := []Account{a}
		if err := (&Book{Scores: &scoresOf{}}).CurrentPage(context.Background(), as, ByScore); err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for i, m := range as[0].Members {
			if want := map[bool]float64{true: 7, false: 1}[i < LiveMembers]; m.Behaviour != want {
				t.Fatalf("%d members: the list's member %d at %v, want %v", n, i, m.Behaviour, want)
			}
			sum += m.Behaviour
		}
		if as[0].Behaviour != sum || as[0].Score != sum+2 || a.Members[0].Behaviour != 1 {
			t.Fatalf("%d members: behaviour %v, score %v, its members sum %v; the caller's members changed: %v", n, as[0].Behaviour, as[0].Score, sum, a.Members[0].Behaviour != 1)
		}
		for pg := range memberPagesOf(n) {
			live, _, err := (&Book{Scores: &scoresOf{}}).Live(context.Background(), a, pg)
			if err != nil || live.Behaviour != as[0].Behaviour || live.Score != as[0].Score {
				t.Fatalf("%d members, page %d shows %v (%v), the list %v (%v): %v", n, pg, live.Score, live.Behaviour, as[0].Score, as[0].Behaviour, err)
			}
		}
	}
}

func memberPagesOf(n int) int { return (n + MembersPage - 1) / MembersPage }

// failing fails one person's record; the others wait until it has failed
// and then give the reader time to stop them, counting the records read
// all the same.
type failing struct {
	failed chan struct{}
	mu     sync.Mutex
	read   int
}

var errStore = errors.New("store unavailable")

func (f *failing) Record(ctx context.Context, person string) (qualify.Record, error) {
	if person == "bad" {
		close(f.failed)
		return qualify.Record{}, errStore
	}
	<-f.failed
	for i := 0; i < 2000 && ctx.Err() == nil; i++ {
		runtime.Gosched()
	}
	if err := ctx.Err(); err != nil {
		return qualify.Record{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.read++
	return qualify.Record{Person: person}, nil
}

// TestCurrentPageStopsAtAnError: one record read failing fails the list,
// and the other readers stop: they read on through every account of the
// page (up to 1,000, 20 records each) for an answer that was an error.
func TestCurrentPageStopsAtAnError(t *testing.T) {
	as := []Account{{ID: "bad", Members: []Member{{Person: "bad"}}}}
	for i := range 400 {
		as = append(as, Account{ID: fmt.Sprint(i), Members: members(3, 1)})
	}
	f := &failing{failed: make(chan struct{})}
	err := (&Book{Scores: f}).CurrentPage(context.Background(), as, ByScore)
	if !errors.Is(err, errStore) {
		t.Fatalf("CurrentPage: %v, want the store's error", err)
	}
	if f.read > 3*listReaders {
		t.Errorf("%d records read after the first failed (of %d)", f.read, 3*400)
	}
}
