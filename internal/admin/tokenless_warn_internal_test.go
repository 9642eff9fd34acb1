package admin

import (
	"testing"

	"github.com/baton-hq/baton/internal/click"
)

// TestOneStrayClickWarnsOfNothing: a link's id is in every email sent,
// so one click without a token (a forward, a curious reader, anyone)
// made the campaign page say the send was broken ("your email tool did
// not replace it") among fifty good clicks. The warning needs three such
// clicks, or a tenth of the send's; fewer are still counted.
func TestOneStrayClickWarnsOfNothing(t *testing.T) {
	for _, c := range []struct {
		tokenless, human, pending int
		warns                     bool
	}{
		{0, 0, 0, false},
		{1, 50, 0, false},
		{2, 40, 5, false},
		{3, 500, 0, true},
		{1, 0, 0, true},  // the only click: the send's links may all be broken
		{2, 10, 8, true}, // a tenth of the clicks
	} {
		r := campaignReport{HumanClicks: c.human, Pending: c.pending, NoToken: click.Tokenless{Clicks: c.tokenless}}
		if got := r.NoTokenWarns(); got != c.warns {
			t.Errorf("%d without a token, %d human, %d awaiting: warns %v, want %v", c.tokenless, c.human, c.pending, got, c.warns)
		}
	}
}
