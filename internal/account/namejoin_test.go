package account_test

import (
	"context"
	"testing"

	"github.com/baton-hq/baton/internal/table"
)

// keyOwner is the account the ACCTKEY item of key names ("" for none).
func (w *world) keyOwner(key string) string {
	w.t.Helper()
	it, err := w.tb.Get(context.Background(), "ACCTKEY#"+key, "KEY")
	if err == table.ErrNotFound {
		return ""
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return string(it.Data)
}

// TestNameAloneJoinsNoStrangerDomain: a form from evil@evil.example.jp
// with company 株式会社アクメ joined Acme's account (its people write from
// acme.co.jp), raised its MQA, and had d:evil.example.jp claimed for Acme,
// so every later evil.example.jp person joined Acme too. Now the stranger
// founds the account of their own domain, the name stays Acme's, and the
// workspace can see that two accounts share the name (SameName). A free-mail
// person giving the name still joins Acme, as name grouping is meant to.
func TestNameAloneJoinsNoStrangerDomain(t *testing.T) {
	for _, oneBatch := range []bool{false, true} {
		w := newWorld(t)
		ctx := context.Background()
		ceo := w.person("v1", "ceo@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"})
		evil := w.person("v2", "evil@evil.example.jp", map[string]string{"company": "株式会社アクメ", "title": "エンジニア"})
		if oneBatch {
			w.handle(append(ceo, evil...))
		} else {
			w.handle(ceo)
			w.handle(evil)
		}
		acme := w.keyOwner("d:acme.co.jp")
		if acme == "" || w.keyOwner("n:アクメ") != acme {
			t.Fatalf("batch %v: Acme's keys: domain %q, name %q", oneBatch, acme, w.keyOwner("n:アクメ"))
		}
		if o := w.keyOwner("d:evil.example.jp"); o == acme || o == "" {
			t.Fatalf("batch %v: d:evil.example.jp owned by %q (Acme %s): the stranger's domain is Acme's", oneBatch, o, acme)
		}
		if len(w.sent) != 0 {
			t.Fatalf("batch %v: the stranger raised an MQA: %+v", oneBatch, w.sent)
		}
		a, err := w.book.Get(ctx, acme)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Members) != 1 || a.Members[0].Email != "ceo@acme.co.jp" || len(a.MQAs) != 0 {
			t.Fatalf("batch %v: Acme has %+v, MQAs %v", oneBatch, a.Members, a.MQAs)
		}
		// Their colleague joins the stranger's account, not Acme.
		w.handle(w.person("v3", "boss@evil.example.jp", map[string]string{"company": "Evil", "title": "担当"}))
		ev, err := w.book.Get(ctx, w.keyOwner("d:evil.example.jp"))
		if err != nil {
			t.Fatal(err)
		}
		if len(ev.Members) != 2 || ev.Name != "株式会社アクメ" && ev.Name != "Evil" {
			t.Fatalf("batch %v: the stranger's account %+v", oneBatch, ev)
		}
		// Its page says another account has the name it gives; Acme's does not.
		ev.Attributes["company"] = "株式会社アクメ"
		if id, err := w.book.SameName(ctx, ev); err != nil || id != acme {
			t.Fatalf("batch %v: SameName = %q, %v; want Acme %s", oneBatch, id, err, acme)
		}
		// An account an operator split off (named) was parted on purpose.
		split := ev
		split.Named = true
		if id, err := w.book.SameName(ctx, split); err != nil || id != "" {
			t.Fatalf("batch %v: a split account's SameName = %q, %v", oneBatch, id, err)
		}
		if id, err := w.book.SameName(ctx, a); err != nil || id != "" {
			t.Fatalf("batch %v: Acme's SameName = %q, %v", oneBatch, id, err)
		}
		// Free mail with the name: joins Acme by the name, and with the CEO
		// now raises its MQA.
		w.handle(w.person("v4", "taro@gmail.com", map[string]string{"company": "（株）アクメ", "title": "部長"}))
		if a, err = w.book.Get(ctx, acme); err != nil {
			t.Fatal(err)
		}
		if len(a.Members) != 2 || len(w.sent) != 1 || w.sent[0].Account != acme {
			t.Fatalf("batch %v: free mail by name: members %+v, sent %+v", oneBatch, a.Members, w.sent)
		}
		// Someone from Acme's domain joins as ever, whatever name they give.
		w.handle(w.person("v5", "dev@acme.co.jp", map[string]string{"company": "ACME"}))
		if a, err = w.book.Get(ctx, acme); err != nil || len(a.Members) != 3 {
			t.Fatalf("batch %v: Acme's domain: %+v, %v", oneBatch, a.Members, err)
		}
	}
}

// TestSubdomainJoinsByName: a person at a subdomain of the account's own
// domain (tokyo.acme.co.jp of acme.co.jp) giving its name is no stranger
// (nobody else can name a mail host there): they join Acme by the name, as
// before the stranger rule, and their domain is claimed for it. The rule
// founded a second アクメ account for them, to merge by hand.
func TestSubdomainJoinsByName(t *testing.T) {
	for _, oneBatch := range []bool{false, true} {
		w := newWorld(t)
		ceo := w.person("v1", "ceo@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"})
		taro := w.person("v2", "taro@tokyo.acme.co.jp", map[string]string{"company": "アクメ株式会社", "title": "部長"})
		if oneBatch {
			w.handle(append(ceo, taro...))
		} else {
			w.handle(ceo)
			w.handle(taro)
		}
		acme := w.keyOwner("d:acme.co.jp")
		if o := w.keyOwner("d:tokyo.acme.co.jp"); acme == "" || o != acme {
			t.Fatalf("batch %v: d:tokyo.acme.co.jp owned by %q, Acme %q", oneBatch, o, acme)
		}
		// A domain that merely ends like Acme's is a stranger's.
		w.handle(w.person("v3", "evil@evilacme.co.jp", map[string]string{"company": "アクメ"}))
		if o := w.keyOwner("d:evilacme.co.jp"); o == "" || o == acme {
			t.Fatalf("batch %v: d:evilacme.co.jp owned by %q (Acme %s)", oneBatch, o, acme)
		}
	}
}

// TestSameNameNotOnSplitOrMerged: the same-name note asks to merge an
// account into the other of its name. An account split off Acme without a
// name is named after Acme (no keys: they stay with Acme) and was parted on
// purpose: SameName named Acme, and the split's page asked to merge it
// back. A stranger's account merged into Acme (a tombstone) names none.
func TestSameNameNotOnSplitOrMerged(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("v1", "ceo@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"}))
	dev := w.person("v2", "dev@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "エンジニア"})
	w.handle(dev)
	w.handle(w.person("v3", "evil@evil.example.jp", map[string]string{"company": "株式会社アクメ"}))
	acme, evil := w.keyOwner("d:acme.co.jp"), w.keyOwner("d:evil.example.jp")
	if acme == "" || evil == "" || acme == evil {
		t.Fatalf("Acme %q, the stranger's %q", acme, evil)
	}
	a, err := w.book.Get(ctx, acme)
	if err != nil {
		t.Fatal(err)
	}
	var devID string
	for _, m := range a.Members {
		if m.Email == "dev@acme.co.jp" {
			devID = m.Person
		}
	}
	split, err := w.book.Split(ctx, acme, []string{devID}, "")
	if err != nil {
		t.Fatal(err)
	}
	if id, err := w.book.SameName(ctx, split); err != nil || id != "" {
		t.Fatalf("the unnamed split's SameName = %q, %v (its name %q)", id, err, split.Name)
	}
	ev, err := w.book.Get(ctx, evil)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := w.book.SameName(ctx, ev); err != nil || id != acme {
		t.Fatalf("the stranger's SameName = %q, %v; want Acme %s", id, err, acme)
	}
	if _, err := w.book.Merge(ctx, acme, evil); err != nil {
		t.Fatal(err)
	}
	if ev, err = w.book.Get(ctx, evil); err != nil || ev.MergedInto != acme {
		t.Fatalf("%+v, %v", ev, err)
	}
	if id, err := w.book.SameName(ctx, ev); err != nil || id != "" {
		t.Fatalf("the merged account's SameName = %q, %v", id, err)
	}
}

// TestParentDomainJoinsItsSubdomainsAccount: the other order of
// TestSubdomainJoinsByName. A person from a branch's mail host came first
// (taro@tokyo.acme.co.jp founded アクメ with d:tokyo.acme.co.jp), and the
// head office's ceo@acme.co.jp was a stranger to it: a second アクメ
// account, or one, by the order the feed read them in (the stack's long
// titles test saw both). acme.co.jp's owner owns tokyo.acme.co.jp, so the
// head office joins by the name, whichever came first; a public suffix
// owns nothing.
func TestParentDomainJoinsItsSubdomainsAccount(t *testing.T) {
	for _, oneBatch := range []bool{false, true} {
		w := newWorld(t)
		taro := w.person("v2", "taro@tokyo.acme.co.jp", map[string]string{"company": "アクメ株式会社", "title": "部長"})
		ceo := w.person("v1", "ceo@acme.co.jp", map[string]string{"company": "株式会社アクメ", "title": "代表取締役"})
		if oneBatch {
			w.handle(append(taro, ceo...))
		} else {
			w.handle(taro)
			w.handle(ceo)
		}
		tokyo := w.keyOwner("d:tokyo.acme.co.jp")
		if o := w.keyOwner("d:acme.co.jp"); tokyo == "" || o != tokyo {
			t.Fatalf("batch %v: d:acme.co.jp owned by %q, the branch's account %q", oneBatch, o, tokyo)
		}
		// A sibling branch joins too now: it is under acme.co.jp, the account's.
		w.handle(w.person("v3", "jiro@osaka.acme.co.jp", map[string]string{"company": "アクメ"}))
		if o := w.keyOwner("d:osaka.acme.co.jp"); o != tokyo {
			t.Fatalf("batch %v: d:osaka.acme.co.jp owned by %q: under acme.co.jp, claimed by the account (%s)", oneBatch, o, tokyo)
		}
	}
}
