package crm_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// TestJapaneseFormReachesEachSFA: what a Japanese form sends, typed as
// people type it (full-width digits and letters, ー for dashes, an
// extension, ideographic and trailing spaces, half-width katakana from an
// old input method, a number in boxes of one name), read into the person's
// attributes as every form and list is (identity.SplitLabelled), reaches
// Salesforce, HubSpot, kintone and the webhook as the same values: a
// number sales can dial, names and company without the spaces.
func TestJapaneseFormReachesEachSFA(t *testing.T) {
	for _, c := range []struct {
		fields, labels              map[string]string
		last, first, company, phone string
	}{
		{ // 姓 and 名 in two labelled boxes, a number with its extension
			map[string]string{"your-field-1": "山田　", "your-field-2": "　太郎 ", "company": "ＡＢＣ株式会社　", "text-4": "０３ー１２３４ー５６７８　内線１２３"},
			map[string]string{"your-field-1": "お名前（姓）", "your-field-2": "お名前（名）", "text-4": "電話番号"},
			"山田", "太郎", "ABC株式会社", "03-1234-5678 内線123",
		},
		{ // the whole name in one box, in half-width katakana; tel[] boxes
			map[string]string{"お名前": "ﾔﾏﾀﾞ　ﾀﾛｳ ", "会社名": "㈱ＡＢＣ", "tel[]": "０３,１２３４,５６７８"},
			nil,
			"ヤマダ タロウ", "", "㈱ABC", "03-1234-5678",
		},
	} {
		known, _ := identity.SplitLabelled(c.fields, c.labels, nil)
		l := lead
		l.Attributes = known
		ctx := context.Background()

		sfFake := crmfake.NewSalesforce()
		defer sfFake.Close()
		if _, err := sf(sfFake).Push(ctx, l); err != nil {
			t.Fatal(err)
		}
		sl := sfFake.Leads[l.PersonID]
		first, _ := sl["FirstName"].(string)
		if sl["LastName"] != c.last || first != c.first || sl["Company"] != c.company || sl["Phone"] != c.phone {
			t.Errorf("%q: Salesforce Lead %q, want %q %q %q %q", c.fields, sl, c.last, c.first, c.company, c.phone)
		}

		hsFake := crmfake.NewHubSpot()
		defer hsFake.Close()
		if _, err := hs(hsFake).Push(push.WithProgress(ctx, push.MemProgress{}), l); err != nil {
			t.Fatal(err)
		}
		ct := hsFake.Contacts[l.Email]
		if ct["lastname"] != c.last || ct["firstname"] != c.first || ct["company"] != c.company || ct["phone"] != c.phone {
			t.Errorf("%q: HubSpot contact %q, want %q %q %q %q", c.fields, ct, c.last, c.first, c.company, c.phone)
		}

		ktFake := crmfake.NewKintone()
		defer ktFake.Close()
		ktFake.Fields["phone"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "phone", "label": "電話番号", "noLabel": false, "required": false, "unique": false}
		k := kt(ktFake)
		k.Fields = map[string]string{"company": "company", "name": "name", "phone": "phone"}
		if _, err := k.Push(ctx, l); err != nil {
			t.Fatal(err)
		}
		if r := ktFake.Record(l.Email); r["company"] != c.company || r["phone"] != c.phone {
			t.Errorf("%q: kintone record %q, want %q %q", c.fields, r, c.company, c.phone)
		}

		var got struct {
			Data struct {
				Attributes map[string]string `json:"attributes"`
			} `json:"data"`
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
				t.Error(err)
			}
			w.WriteHeader(204)
		}))
		if _, err := (&crm.Webhook{URL: srv.URL, Secret: webhookSecret}).Push(ctx, l); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		if a := got.Data.Attributes; a["phone"] != c.phone || a["company"] != c.company {
			t.Errorf("%q: webhook attributes %q, want %q %q", c.fields, a, c.company, c.phone)
		}
	}
}
