package account

import (
	"context"
	"fmt"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
)

// scoresOf answers every person's record with 7 points, counting reads.
type scoresOf struct{ reads int }

func (s *scoresOf) Record(_ context.Context, person string) (qualify.Record, error) {
	s.reads++
	return qualify.Record{Person: person, Stage: "mql", Verdict: qualify.Verdict{Behaviour: 7, Grade: "A", Band: "cold"}}, nil
}

// TestLiveReadsOnePage: Live reads the score records of the page's members
// alone (one each), and sums the account over them and the others as held.
func TestLiveReadsOnePage(t *testing.T) {
	a := Account{Fit: 1}
	for i := range MembersPage + 50 {
		a.Members = append(a.Members, Member{Person: fmt.Sprintf("p%d", i), Behaviour: 1})
	}
	s := &scoresOf{}
	live, people, err := (&Book{Scores: s}).Live(context.Background(), a, 1)
	if err != nil || len(people) != 50 || s.reads != 50 || people[0].Person != fmt.Sprintf("p%d", MembersPage) || people[0].Behaviour != 7 || people[0].Stage != "mql" {
		t.Fatalf("page 1: %d people, %d reads, first %+v: %v", len(people), s.reads, people[0], err)
	}
	if want := float64(MembersPage + 50*7); live.Behaviour != want || live.Score != want+1 || a.Members[MembersPage].Behaviour != 1 {
		t.Fatalf("behaviour %v (want %v), score %v; the caller's account changed: %v", live.Behaviour, want, live.Score, a.Members[MembersPage].Behaviour != 1)
	}
	if _, people, _ := (&Book{Scores: s}).Live(context.Background(), a, 4); len(people) != 0 {
		t.Fatalf("past the last page: %d people", len(people))
	}
}
