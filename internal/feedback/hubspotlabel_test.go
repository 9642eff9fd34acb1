package feedback_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/qualify"
)

const leadStatusRead = "GET /crm/v3/properties/contacts/hs_lead_status"

// lastWhy is sales' reason recorded with the person's last rejection (a
// rejected lead is recycled at once).
func lastWhy(t *testing.T, f *fx) string {
	t.Helper()
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := len(hist) - 1; i >= 0; i-- {
		if hist[i].To == qualify.StageRejected {
			return hist[i].Why
		}
	}
	t.Fatalf("no rejection in %+v", hist)
	return ""
}

// labelFake is ownerFake with the handler reading hs_lead_status's
// options through it too.
func labelFake(t *testing.T, f *fx) *crmfake.HubSpot {
	t.Helper()
	hs := ownerFake(t, f)
	f.h.HubSpotLabels = &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	return hs
}

// TestHubSpotLeadStatusReasonIsItsLabel: HubSpot's webhook carries
// hs_lead_status's internal value (UNQUALIFIED, or an account's own
// option_7), which is no words of sales: the reason recorded (and written
// in the re-MQL's note, "rejected on ... (reason)") is the option's label
// as HubSpot shows it, read once an hour; without a label, no reason at
// all, never the value.
func TestHubSpotLeadStatusReasonIsItsLabel(t *testing.T) {
	t.Run("label", func(t *testing.T) {
		f := setup(t)
		hs := labelFake(t, f)
		hs.OptionLabels["hs_lead_status"]["UNQUALIFIED"] = "見送り（予算なし）" // an account's own label for HubSpot's option
		if code, resp := hsEvents(t, f, 6001, "501:hs_lead_status:IN_PROGRESS"); code != 200 || f.stage(t) != qualify.StageSAL {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		f.clk.Advance(10 * time.Minute)
		if code, resp := hsEvents(t, f, 6002, "501:hs_lead_status:UNQUALIFIED"); code != 200 || f.stage(t) != qualify.StageRecycled {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if why := lastWhy(t, f); why != "見送り（予算なし）" {
			t.Errorf("sales' reason %q, want the option's label", why)
		}
		if n := calls(hs, leadStatusRead); n != 1 {
			t.Errorf("hs_lead_status's options read %d times within the hour, want once", n)
		}
	})
	t.Run("scope missing", func(t *testing.T) {
		f := setup(t)
		hs := labelFake(t, f)
		l := captureLog(f)
		hs.MissingScopes = []string{"crm.schemas.contacts.read"}
		if code, resp := hsEvents(t, f, 6101, "501:hs_lead_status:UNQUALIFIED"); code != 200 || f.stage(t) != qualify.StageRecycled {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if why := lastWhy(t, f); why != "" {
			t.Errorf("sales' reason %q without the label, want none", why)
		}
		if n := l.count("crm.schemas.contacts.read"); n != 1 {
			t.Errorf("warned %d times; log:\n%s", n, l.b.String())
		}
	})
	t.Run("HubSpot failing", func(t *testing.T) {
		f := setup(t)
		hs := labelFake(t, f)
		hs.Fail(1, crmfake.Fault{Status: 502, Body: `{"status":"error","message":"bad gateway"}`})
		if code, resp := hsEvents(t, f, 6201, "501:hs_lead_status:UNQUALIFIED"); code != 200 || f.stage(t) != qualify.StageRecycled {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if why := lastWhy(t, f); why != "" {
			t.Errorf("sales' reason %q without the label, want none", why)
		}
	})
	t.Run("value of no option", func(t *testing.T) {
		f := setup(t)
		labelFake(t, f)
		f.h.HubSpotValues = map[string]string{"option_7": "rejected"}
		if code, resp := hsEvents(t, f, 6301, "501:hs_lead_status:option_7"); code != 200 || f.stage(t) != qualify.StageRecycled {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if why := lastWhy(t, f); why != "" {
			t.Errorf("sales' reason %q for a value without a label, want none", why)
		}
	})
	t.Run("no token", func(t *testing.T) {
		f := setup(t)
		if code, resp := hsEvents(t, f, 6401, "501:hs_lead_status:UNQUALIFIED"); code != 200 || f.stage(t) != qualify.StageRecycled {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if why := lastWhy(t, f); why != "" {
			t.Errorf("sales' reason %q without a reader, want none (never the value)", why)
		}
	})
}

// TestHubSpotPropertyLabels: the options as HubSpot's properties API
// gives them; a property the account lacks is HubSpot's 404.
func TestHubSpotPropertyLabels(t *testing.T) {
	hs := crmfake.NewHubSpot()
	defer hs.Close()
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	got, err := api.PropertyLabels(context.Background(), "contacts", "hs_lead_status")
	if err != nil || got["UNQUALIFIED"] != "Unqualified" || got["BAD_TIMING"] != "Bad Timing" || len(got) != 8 {
		t.Errorf("%v %v", got, err)
	}
	if _, err := api.PropertyLabels(context.Background(), "contacts", "nope"); err == nil {
		t.Error("a property HubSpot lacks read without error")
	}
}
