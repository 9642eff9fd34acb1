package feedback_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestFlowUnmappedStatusIsAnswered: a Flow callout whose Lead Status maps
// to no outcome was answered 400, which faults the Flow, where the change
// event and the Outbound Message answer it 200: Baton's own reset of a
// re-qualified Lead's Status to the org's default (Open - Not Contacted)
// faulted a Flow on Status every cycle. It is answered 200, the status
// said ignored in the results; a callout that is malformed still is 400.
func TestFlowUnmappedStatusIsAnswered(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	f.clk.Set(f.now.Add(time.Hour))
	code, resp := f.post(t, "/feedback/salesforce", `{"eventId":"flow-u1","leadId":"00Q000000000001AAA","status":"Open - Not Contacted","changedAt":"`+f.now.Add(10*time.Minute).Format(time.RFC3339)+`"}`, sf)
	if code != 200 || !strings.Contains(resp, `"deliveryId":"sf-flow-u1"`) || !strings.Contains(resp, `"ignored":"Lead Status \"Open - Not Contacted\" maps to no outcome (feedback.salesforce_status)"`) || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an unmapped status: %d %s stage %s", code, resp, f.stage(t))
	}
	for _, bad := range []struct{ body, says string }{
		{`{"leadId":"00Q000000000001AAA","status":"Open - Not Contacted"}`, "eventId"},
		{`{"eventId":"flow-u2","status":"Open - Not Contacted"}`, "names nobody"},
		{`{"eventId":"flow-u3","leadId":"00Q000000000001AAA"}`, "no status"},
	} {
		if code, resp := f.post(t, "/feedback/salesforce", bad.body, sf); code != 400 || !strings.Contains(resp, bad.says) {
			t.Errorf("%s: %d %s, want 400 saying %q", bad.body, code, resp, bad.says)
		}
	}
}
