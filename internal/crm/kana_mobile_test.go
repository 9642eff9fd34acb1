package crm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// japaneseLead is a lead whose attributes a Japanese form gave, read as
// every form is (identity.SplitLabelled): the name and its reading in two
// boxes each (the reading typed in half-width katakana), an office's number
// and a mobile's.
func japaneseLead(t *testing.T, id string) push.Lead {
	t.Helper()
	known, custom := identity.SplitLabelled(map[string]string{
		"姓": "山田", "名": "花子", "セイ": "ﾔﾏﾀﾞ", "メイ": "ﾊﾅｺ", "会社名": "サンプル株式会社",
		"電話番号": "03ー1234ー5678", "携帯電話": "０９０ー１２３４ー５６７８",
	}, nil, nil)
	if len(custom) != 0 {
		t.Fatalf("custom %q", custom)
	}
	l := lead
	l.PersonID, l.MQLID, l.Email = id, id+"-c1", id+"@example.co.jp"
	l.Attributes = known
	return l
}

// TestSalesforceMobileAndReading: a mobile's number beside the office's
// reaches the Lead's standard MobilePhone by default, and the name's
// reading the org's own fields that fields maps it to (Lead has no standard
// kana field), on an org that refuses a field it lacks as Salesforce does
// (INVALID_FIELD). Before, both were custom attributes, in the Task's
// summary only.
func TestSalesforceMobileAndReading(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.OrgLeadFields("LastNameKana__c", "FirstNameKana__c")
	// The integration user cannot see MobilePhone (its permission set made
	// before Baton sent mobiles): by default neither the reading nor the
	// mobile is written or read, and every lead still arrives.
	delete(f.LeadFields, "mobilephone")
	l := japaneseLead(t, "p_kana1")
	if _, err := sf(f).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	got := f.Lead(l.PersonID)
	if got["LastName"] != "山田" || got["FirstName"] != "花子" || got["Phone"] != "03-1234-5678" || got["MobilePhone"] != nil {
		t.Errorf("default fields: %v", got)
	}
	f.OrgLeadFields("LastNameKana__c", "FirstNameKana__c")

	// Mapped to the org's own fields, and the mobile to MobilePhone.
	c := sf(f)
	c.Fields = map[string]string{"title": "Title", "last_name_kana": "LastNameKana__c", "first_name_kana": "FirstNameKana__c", "mobile": "MobilePhone"}
	l = japaneseLead(t, "p_kana2")
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	got = f.Lead(l.PersonID)
	if got["LastName"] != "山田" || got["LastNameKana__c"] != "ヤマダ" || got["FirstNameKana__c"] != "ハナコ" || got["MobilePhone"] != "090-1234-5678" {
		t.Errorf("mapped: %v", got)
	}

	// Mapped to a field the org lacks: Salesforce refuses it, and the
	// delivery fails for good naming it (not a Lead without the reading).
	c.Fields = map[string]string{"last_name_kana": "Kana__c"}
	l = japaneseLead(t, "p_kana3")
	_, err := c.Push(ctx, l)
	if pe := perr(t, err); !pe.Permanent || pe.Code != "INVALID_FIELD" || !strings.Contains(pe.Error(), "Kana__c") {
		t.Errorf("a field the org lacks: %+v", pe)
	}
	if f.Lead(l.PersonID) != nil {
		t.Errorf("a Lead was made: %v", f.Lead(l.PersonID))
	}
}

// TestSalesforceMobileFieldMappedToAnother: an org that keeps one number
// per lead maps the mobile to Phone (fields: {mobile: Phone}) beside the
// default phone -> Phone: what fields maps is written last, so Phone is
// the mobile's every time, not whichever of the two map order wrote last.
func TestSalesforceMobileFieldMappedToAnother(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.OrgLeadFields()
	c := sf(f)
	c.Fields = map[string]string{"mobile": "Phone"}
	for i := range 20 { // map order varies from push to push
		l := japaneseLead(t, fmt.Sprintf("p_mobile%d", i))
		if _, err := c.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
		if got := f.Lead(l.PersonID); got["Phone"] != "090-1234-5678" || got["MobilePhone"] != nil {
			t.Fatalf("mobile mapped to Phone: %v", got)
		}
	}
}
