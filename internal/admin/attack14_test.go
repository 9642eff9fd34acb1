package admin_test

import (
	"testing"
)

// TestAttack14ReasonColumnNeverAnAttributeViaAPI: the file the campaign
// page hands back has a baton_error (エラー内容) column; fixed in Excel and
// uploaded again through the API (POST /admin/recipients, as a script or
// the documented curl does), the old reasons ("line 2: ...") must not
// become the people's attributes, as they do not on the page's upload.
func TestAttack14ReasonColumnNeverAnAttributeViaAPI(t *testing.T) {
	f, dir := recipientsFixture(t)
	for _, col := range []string{"baton_error", "エラー内容"} {
		email := "fixed-" + map[string]string{"baton_error": "en", "エラー内容": "ja"}[col] + "@eta.example"
		list := "email,name," + col + ",baton_token\r\n" + email + ",Yamada,\"line 2: \"\"not-an-email\"\" is not an email address\",\r\n"
		a := f.req("POST", "/admin/recipients?campaign=nov-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
		if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
			t.Fatalf("%s: %d %v %s", col, a.code, a.hdr, a.body)
		}
		p, err := dir.ByEmail(t.Context(), email)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range p.Custom {
			if v != "" && (k == col || k == "baton_error" || k == "エラー内容") {
				t.Errorf("%s: the previous download's reason became an attribute of %s: %q=%q", col, email, k, v)
			}
		}
	}
}
