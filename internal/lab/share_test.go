package lab

import "testing"

// TestGroupWithoutAnswersHasNoShares: a group of people sales answered
// nothing of (the lab's "would become MQLs", never handed to sales) had
// shares of 0, and the lab card said 受入 0%、差し戻し 0% beside a card
// saying — for the same lack of answers. It has none; a group with an
// answer has every share, zeros included.
func TestGroupWithoutAnswersHasNoShares(t *testing.T) {
	var none Group
	none.add(Outcome{})
	none.shares()
	if none.People != 1 || len(none.Share) != 0 {
		t.Errorf("no answers: %+v, want no shares", none)
	}
	var some Group
	some.add(Outcome{})
	some.add(Outcome{Rejected: true})
	some.shares()
	if some.Share["rejected"] != 0.5 || some.Share["accepted"] != 0 || len(some.Share) != 5 {
		t.Errorf("one answer of two: %+v", some)
	}
}
