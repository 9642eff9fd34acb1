package account_test

import (
	"context"
	"strings"
	"testing"
)

// TestSplitPersonNamedTwice: a split naming one person twice (a script's
// list, a double-submitted form) moves them once. It was refused with a
// false reason: of a two-member account "a split leaves at least one
// person behind" (the other member stays), of a three-member account "p_X
// is not in account" (the loop removed p_X at its first mention and looked
// for it again).
func TestSplitPersonNamedTwice(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "a@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v2", "b@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	as := w.accounts()
	b, err := w.dir.ByEmail(ctx, "b@kaisha.example")
	if err != nil || len(as) != 1 {
		t.Fatalf("%v %+v", err, as)
	}
	split, err := w.book.Split(ctx, as[0].ID, []string{b.ID, b.ID}, "")
	if err != nil || len(split.Members) != 1 || split.Members[0].Person != b.ID {
		t.Fatalf("split of one person named twice, two members: %+v %v", split, err)
	}
	if src, err := w.book.Get(ctx, as[0].ID); err != nil || len(src.Members) != 1 || src.Members[0].Email != "a@kaisha.example" {
		t.Fatalf("left behind: %+v %v", src, err)
	}
	w.handle(w.person("v3", "c@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v4", "d@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	c, err := w.dir.ByEmail(ctx, "c@kaisha.example")
	if err != nil {
		t.Fatal(err)
	}
	src, err := w.book.Get(ctx, as[0].ID)
	if err != nil || len(src.Members) != 3 {
		t.Fatalf("want a, c and d in %s: %+v %v", as[0].ID, src, err)
	}
	split, err = w.book.Split(ctx, src.ID, []string{c.ID, c.ID}, "")
	if err != nil || len(split.Members) != 1 || split.Members[0].Person != c.ID {
		t.Fatalf("split of one person named twice, three members: %+v %v", split, err)
	}
	// Every member named, one of them twice, still leaves nobody behind:
	// refused.
	src, _ = w.book.Get(ctx, as[0].ID)
	var all []string
	for _, m := range src.Members {
		all = append(all, m.Person, m.Person)
	}
	if _, err := w.book.Split(ctx, src.ID, all, ""); err == nil || !strings.Contains(err.Error(), "leaves at least one person behind") {
		t.Fatalf("split of every member, each named twice: %v", err)
	}
}

// TestSplitBlankNameIsNoName: a split named "   " (spaces alone, or a
// full-width space from a Japanese IME) is a split with no name, as the
// account page's form has it: the new account is named after the old one
// and is not the operator's name (which would stay blank for good). A
// name is kept without the spaces around it.
func TestSplitBlankNameIsNoName(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "a@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v2", "b@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v3", "c@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	as := w.accounts()
	b, _ := w.dir.ByEmail(ctx, "b@kaisha.example")
	c, _ := w.dir.ByEmail(ctx, "c@kaisha.example")
	if len(as) != 1 || as[0].Name == "" {
		t.Fatalf("%+v", as)
	}
	split, err := w.book.Split(ctx, as[0].ID, []string{b.ID}, "\u3000 ")
	if err != nil || split.Name != as[0].Name || split.Named {
		t.Fatalf("split named %q: %q named %v, want %q not named: %v", "\u3000 ", split.Name, split.Named, as[0].Name, err)
	}
	split, err = w.book.Split(ctx, as[0].ID, []string{c.ID}, "\u3000カイシャ 大阪支社 ")
	if err != nil || split.Name != "カイシャ 大阪支社" || !split.Named {
		t.Fatalf("split named %q: %q named %v: %v", "\u3000カイシャ 大阪支社 ", split.Name, split.Named, err)
	}
}

// TestSplitNameKeepsNoDirectionCharacters: the new account's name as a
// write-scope user typed it (the account page's form, the API) is kept
// without bidirectional overrides, isolates and marks, control characters
// or line breaks: "\u202eイャシイカ" showed as カイシャ in the accounts'
// cells, another company's name to the eye.
func TestSplitNameKeepsNoDirectionCharacters(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.handle(w.person("v1", "a@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	w.handle(w.person("v2", "b@kaisha.example", map[string]string{"company": "株式会社カイシャ"}))
	as := w.accounts()
	b, _ := w.dir.ByEmail(ctx, "b@kaisha.example")
	split, err := w.book.Split(ctx, as[0].ID, []string{b.ID}, "\u202eイャシイカ\u202c\u200f \u2066大阪\u2069\r\n支社\x00")
	if err != nil || split.Name != "イャシイカ 大阪 支社" || !split.Named {
		t.Fatalf("split: %q named %v: %v", split.Name, split.Named, err)
	}
	if got, err := w.book.Get(ctx, split.ID); err != nil || got.Name != "イャシイカ 大阪 支社" {
		t.Fatalf("stored: %q %v", got.Name, err)
	}
}
