package event

import (
	"testing"
)

// Segment's Consent Management (analytics.js with
// @segment/analytics-consent-tools, and Segment's Consent in Connections
// spec) stamps every event with the consent object
// context.consent.categoryPreferences. Baton reads context.consent only as
// its own string ("granted"/"denied") and refuses the object: a single
// call is a 400 and a batch of such events is a 400 whole, which the SDKs
// drop, so every event of a site using Segment's consent tooling is lost
// (seen live: /v1/track and /v1/batch both 400 "context.consent: must be
// a string, got object"). The object should be accepted (and, at best,
// read as granted/denied from its categories), never refuse the event.
func TestDefectSegmentConsentObjectRefused(t *testing.T) {
	body := `{"type":"track","userId":"u1","event":"Viewed","messageId":"m-consent",` +
		`"context":{"consent":{"categoryPreferences":{"Analytics":true,"Advertising":false}}}}`
	if _, err := Parse([]byte(body), Server, "", meta()); err != nil {
		t.Errorf("a call with Segment's consent object: %v, want it accepted", err)
	}
}
