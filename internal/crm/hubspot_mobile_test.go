package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestHubSpotMobileAndReading: the mobile's number reaches HubSpot's
// standard mobilephone by default, beside phone; the reading the
// properties fields maps it to (HubSpot has no standard one).
func TestHubSpotMobileAndReading(t *testing.T) {
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f := crmfake.NewHubSpot()
	defer f.Close()
	l := japaneseLead(t, "p_kana1")
	if _, err := hs(f).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	ct := f.Contact(l.Email)
	if ct["lastname"] != "山田" || ct["phone"] != "03-1234-5678" || ct["mobilephone"] != "090-1234-5678" {
		t.Errorf("default properties: %v", ct)
	}
	for p := range ct {
		if strings.Contains(p, "kana") {
			t.Errorf("a reading sent without a mapping: %v", ct)
		}
	}
	c := hs(f)
	c.Fields = map[string]string{"last_name_kana": "lastname_kana", "first_name_kana": "firstname_kana"}
	l = japaneseLead(t, "p_kana2")
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	if ct := f.Contact(l.Email); ct["lastname_kana"] != "ヤマダ" || ct["firstname_kana"] != "ハナコ" || ct["mobilephone"] != "090-1234-5678" {
		t.Errorf("mapped: %v", ct)
	}
}
