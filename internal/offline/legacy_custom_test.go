package offline

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
)

// TestLegacyReadingAndMobileUpgraded: imports before name_kana and mobile
// existed stored a list's フリガナ and 携帯電話 as custom attributes. The
// same person's next list stores them as name_kana and mobile, and the
// person had both: the person page showed the reading and the mobile
// twice. The custom ones are read as the attributes: one value each, and
// the item loses them at the update.
func TestLegacyReadingAndMobileUpgraded(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// What an import before stored: the columns as custom attributes.
	p, _, err := f.dir.EnsureWith(ctx, "taro@client.example", "offline:exhibition", map[string]string{"name": "山田 太郎"},
		map[string]string{"フリガナ": "ヤマダ タロウ", "携帯電話": "090-1234-5678", "部署名(旧)": "営業部"})
	if err != nil {
		t.Fatal(err)
	}
	q, _, err := f.dir.EnsureWith(ctx, "hanako@client.example", "offline:exhibition", nil, map[string]string{"携帯電話": "080-0000-0000"})
	if err != nil {
		t.Fatal(err)
	}
	in := "氏名,フリガナ,メールアドレス,携帯電話,イベント名,日付,チャネル\r\n" +
		"山田 太郎,ﾔﾏﾀﾞ ﾀﾛｳ,taro@client.example,０９０ー１２３４ー５６７８,展示会B,2026/11/6,展示会\r\n" +
		"佐藤 花子,,hanako@client.example,080-1111-2222,展示会B,2026/11/6,展示会\r\n"
	if res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{}); err != nil || res.Imported != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	p, err = f.dir.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name_kana"] != "ヤマダ タロウ" || p.Attributes["mobile"] != "090-1234-5678" || !reflect.DeepEqual(p.Custom, map[string]string{"部署名(旧)": "営業部"}) {
		t.Errorf("attributes %q custom %q", p.Attributes, p.Custom)
	}
	// The item itself, as the update wrote it.
	it, err := f.tb.Get(ctx, identity.PersonPK(p.ID), "PERSON")
	if err != nil || strings.Contains(string(it.Data), "フリガナ") {
		t.Errorf("stored %s %v", it.Data, err)
	}
	// Read as the mobile, which the list's newer number replaced, as it
	// does a mobile's.
	q, _ = f.dir.Get(ctx, q.ID)
	if q.Attributes["mobile"] != "080-1111-2222" || len(q.Custom) != 0 {
		t.Errorf("attributes %q custom %q", q.Attributes, q.Custom)
	}
}

// TestLegacyMobileReadAsAttribute: a person stored with 携帯電話 custom and
// no list since reads it as their mobile (the person page, the SFA). One
// who has a mobile and another number custom (a form's second field, as
// identity keeps it) keeps both.
func TestLegacyMobileReadAsAttribute(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, _, err := f.dir.EnsureWith(ctx, "ichiro@client.example", "offline:exhibition", nil, map[string]string{"携帯電話": "090-9999-0000", "フリガナ": "サトウ イチロウ"})
	if err != nil {
		t.Fatal(err)
	}
	p, err = f.dir.Get(ctx, p.ID)
	if err != nil || p.Attributes["mobile"] != "090-9999-0000" || p.Attributes["name_kana"] != "サトウ イチロウ" || len(p.Custom) != 0 {
		t.Errorf("attributes %q custom %q %v", p.Attributes, p.Custom, err)
	}
	q, _, err := f.dir.EnsureWith(ctx, "jiro@client.example", "form", map[string]string{"mobile": "090-1111-1111"}, map[string]string{"携帯電話": "090-2222-2222"})
	if err != nil {
		t.Fatal(err)
	}
	if q, err = f.dir.Get(ctx, q.ID); err != nil || q.Attributes["mobile"] != "090-1111-1111" || q.Custom["携帯電話"] != "090-2222-2222" {
		t.Errorf("attributes %q custom %q %v", q.Attributes, q.Custom, err)
	}
}
