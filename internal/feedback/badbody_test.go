package feedback_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/feedback"
)

// TestMalformedBodiesSayWhatIsWrong: a Salesforce or HubSpot body of the
// wrong shape is answered in the sender's terms, naming the field to
// blame, never with encoding/json's Go types (the answer was "cannot
// unmarshal object into Go value of type []struct { EventID json.Number
// ..."), which say nothing to an admin reading HubSpot's delivery log and
// show Baton's insides to anyone posting.
func TestMalformedBodiesSayWhatIsWrong(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		parse            func([]byte) error
	}{
		{"salesforce array", `[]`, "not an array", sf},
		{"salesforce null", `null`, "not null", sf},
		{"salesforce number", `7`, "not a number", sf},
		{"salesforce flow field", `{"eventId":1,"status":"Qualified","email":"a@example.com"}`, "eventId must be a string", sf},
		{"salesforce cdc field", `{"detail-type":"x","id":"e1","detail":{"payload":"x"}}`, "detail.payload must be an object", sf},
		{"hubspot object", `{}`, "not an object", hs},
		{"hubspot string", `"x"`, "not a string", hs},
		{"hubspot field", `[{"eventId":1,"propertyValue":3}]`, "propertyValue must be a string", hs},
	} {
		err := c.parse([]byte(c.body))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, c.want) || strings.Contains(msg, "Go ") || strings.Contains(msg, "struct") || strings.Contains(msg, "json:") {
			t.Errorf("%s: %q, want it to say %q and no Go type", c.name, msg, c.want)
		}
	}
}

func sf(b []byte) error { _, err := feedback.ParseSalesforce(b, nil, ""); return err }
func hs(b []byte) error { _, err := feedback.ParseHubSpot(b, nil); return err }
