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
