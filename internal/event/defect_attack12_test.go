package event

import (
	"errors"
	"testing"
)

// A userId with a lone surrogate escape (a backend cutting an emoji id at
// a UTF-16 unit, JS's str.slice) is decoded by encoding/json as U+FFFD, so
// "usr-\ud83d" and "usr-\ude00" are both stored as "usr-\ufffd": two users'
// events go to one person (seen live: the second user's track landed on the
// first user's timeline). The same holds for messageId, where the second
// event is then dropped as a repeat. README: an id Baton cannot key its
// store by is refused, 400 naming the field.
func TestDefectLoneSurrogateIDsCollide(t *testing.T) {
	for _, c := range []struct{ field, body string }{
		{"userId", `{"type":"track","userId":"usr-\ud83d","event":"x","messageId":"m-sur-1"}`},
		{"anonymousId", `{"type":"track","anonymousId":"anon-\udc00","event":"x","messageId":"m-sur-2"}`},
		{"messageId", `{"type":"track","userId":"u1","event":"x","messageId":"m-\ud800"}`},
	} {
		evs, err := Parse([]byte(c.body), Server, "", meta())
		var pe *Error
		if err == nil || !errors.As(err, &pe) || pe.Field != c.field {
			got := ""
			if len(evs) > 0 {
				got = evs[0].UserID + "|" + evs[0].AnonymousID + "|" + evs[0].ID
			}
			t.Errorf("%s with a lone surrogate: err %v, stored %q; want a 400 naming %s", c.field, err, got, c.field)
		}
	}
}

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
