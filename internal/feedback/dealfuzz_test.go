package feedback

import (
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// FuzzDealFields: whatever a kintone record or a HubSpot date holds, the
// deal read from it is refused or valid.
func FuzzDealFields(f *testing.F) {
	f.Add([]byte(`{"record":{"amount":{"type":"NUMBER","value":"1200000"},"currency":{"value":"JPY"},"close_date":{"value":"2026-11-30"}}}`), "1795000000000")
	f.Add([]byte(`{"record":{"amount":{"value":"NaN"},"close_date":{"value":"2026-11-30T10:00:00+09:00"}}}`), "2026-11-30")
	f.Fuzz(func(t *testing.T, body []byte, date string) {
		if d, err := kintoneDeal(body, KintoneDealFields{}, "won", time.FixedZone("JST", 9*3600)); err == nil && d != nil {
			if err := qualify.ValidateDeal(*d); err != nil {
				t.Fatalf("accepted an invalid deal %+v: %v", d, err)
			}
		}
		if cd, err := hubspotDate(date); err == nil {
			if err := qualify.ValidateDeal(qualify.DealReport{CloseDate: cd}); err != nil {
				t.Fatalf("%q gave %q: %v", date, cd, err)
			}
		}
	})
}

// TestHubSpotDateOutOfRange: milliseconds beyond year 9999 (or before 1)
// are an error naming the value, not a malformed date.
func TestHubSpotDateOutOfRange(t *testing.T) {
	for _, v := range []string{"999999999999999999", "-999999999999999"} {
		if cd, err := hubspotDate(v); err == nil {
			t.Errorf("%s gave %q", v, cd)
		}
	}
	if cd, err := hubspotDate("1795000000000"); err != nil || cd != "2026-11-18" {
		t.Fatalf("%q %v", cd, err)
	}
}

// TestStageOutcome: an org's own stage names (受注, 失注) are read by the
// stage's IsWon and IsClosed; a change event sends changed fields only,
// an Outbound Message every field chosen.
func TestStageOutcome(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		stage       string
		won, closed *bool
		changedOnly bool
		want        string
	}{
		{"Closed Won", nil, nil, true, "won"},
		{"Closed Lost", nil, nil, false, "lost"},
		{"受注", &yes, &yes, false, "won"},
		{"受注", &yes, nil, true, "won"},             // closed before, lost then won
		{"失注", &no, &yes, false, "lost"},           // an Outbound Message
		{"失注", nil, &yes, true, "lost"},            // open to lost: IsWon stayed false
		{"失注（競合）", &no, nil, true, "lost"},         // won to lost: IsClosed stayed true
		{"提案中", &no, &no, false, ""},               // open
		{"提案中", nil, &no, true, ""},                // reopened
		{"提案中", &no, nil, false, ""},               // a message choosing IsWon alone: open or lost, unknown
		{"Negotiation/Review", nil, nil, true, ""}, // no flags: the stage changed its deal alone
	} {
		if got := stageOutcome(c.stage, c.won, c.closed, c.changedOnly); got != c.want {
			t.Errorf("stageOutcome(%q, %v, %v, %v) = %q, want %q", c.stage, c.won, c.closed, c.changedOnly, got, c.want)
		}
	}
}
