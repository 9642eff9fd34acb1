package admin_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
)

// TestPersonAttributesReadAsACard: the person page listed attributes by
// key, so 名 (first_name) came before 姓 (last_name) and the company after
// the country. They read as a business card: family name, given name,
// company, department, title, telephone, then the rest by key.
func TestPersonAttributesReadAsACard(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	f.h.People, f.h.Timelines = dir, &identity.Stitcher{Dir: dir, Log: &eventlog.Log{T: f.tb}}
	p, _, err := dir.EnsureWith(ctx, "sato@maker.example", "form", map[string]string{
		"first_name": "花子", "last_name": "佐藤", "company": "株式会社メーカー", "country": "日本", "title": "部長", "department": "営業部", "employees": "500",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := f.req("GET", "/admin/people/"+p.ID+"?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	var got []string
	for _, m := range regexp.MustCompile(`<tr><th scope="row">[^<]*</th><td>([^<]*)</td></tr>`).FindAllStringSubmatch(a.body, -1) {
		got = append(got, m[1])
	}
	if want := "佐藤 花子 株式会社メーカー 営業部 部長"; !strings.HasPrefix(strings.Join(got, " "), want) {
		t.Errorf("attributes in the order %q, want them to start %q", got, want)
	}
}
