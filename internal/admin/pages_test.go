package admin

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
)

// TestJapaneseCoversPages: every text a page template translates, and every
// dynamic key (stages, models, event types, statuses), has its Japanese.
func TestJapaneseCoversPages(t *testing.T) {
	re := regexp.MustCompile(`\$\.[TF] "([^"]*)"|\$\.T \(print "([a-z]+:)" ([a-z.]+)\)`)
	keys := map[string]bool{}
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, path)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "" {
				keys[m[1]] = true
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d texts: is the pattern right?", len(keys))
	}
	for _, m := range []string{"first", "last", "linear", "position"} {
		keys["model:"+m], keys["explain:"+m] = true, true
	}
	for _, k := range []string{"channel", "source", "medium", "campaign"} {
		keys["by:"+k] = true
	}
	for _, k := range []string{"explain:(no touch)", "explain:(no source)", "explain:(no medium)", "explain:(no campaign)", "explain:direct", "pending", "delivered", "retrying", "dead", "decay", "reset",
		"page_view", "download", "outbound", "form_submit", "email_click", "email_open", "custom", "identify", "offline",
		"just now", "%d min ago", "%d min", "%d h ago", "%d days ago", "%d days", "%d hours", ", ", "Error", "People", "MQLs", "Campaigns", "Reports", "MQL definition and lab", "MQL inbox",
		// The sign-in page (login.go).
		"sign in", "Admin token", "Sign in", "You are signed out.", "Your session has ended. Sign in again.", "Enter an admin token.",
		"That token is not valid. Check it and try again.", "Sign-in refused: the form was not sent from this site.",
		"Sign in with the form on this page.", "The form could not be read; try again.",
		"Baton could not start your session (storage unavailable); try again shortly.",
		"The workspace of marketing and sales: people, MQLs, campaigns and reports.",
		"BATON_ADMIN_TOKEN, or a token from admin_tokens; what you can do is that token's scopes."} {
		keys[k] = true
	}
	for _, s := range []string{"anonymous", "lead", "mql", "sal", "sql", "opportunity", "customer", "rejected", "lost", "recycled"} {
		keys["stage:"+s] = true
	}
	for _, r := range account.Roles {
		keys["role:"+r] = true
	}
	// The accounts pages' notes and form errors (pages_accounts.go, accounts.go).
	for _, k := range []string{"Accounts", "No such account.", "Choose the account to merge into this one.", "Choose the people to move to a new account.",
		"The new account's name: at most 200 characters.", "The other account's people and keys are in this one now.",
		"The people chosen are in this new account; their keys no longer move them."} {
		keys[k] = true
	}
	var missing []string
	for k := range keys {
		if _, ok := ja[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("no Japanese for:\n%s", strings.Join(missing, "\n"))
	}
}

// TestTemplatesLeaveNoEnglishPunctuation: a sentence's end written in a
// template beside a translated text (a file name's "(rules.yaml). ", a
// link's "."), which a Japanese page would show as ". " between Japanese
// sentences, and parentheses around a translated text ("(フォーム)"), are
// texts of their own that T translates. So are a colon or a comma after
// a text ("シミュレーション: acme", "受入 —, 差し戻し —"; "：" and "、" in
// Japanese), and the parentheses around a value after a text (山田 太郎
// (yamada@…), +8 demo-video (/demo/index.html)、3 日前).
func TestTemplatesLeaveNoEnglishPunctuation(t *testing.T) {
	action := regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	period := regexp.MustCompile(`(\{\{\}\}|\)|</\w+>)\.(\s|<|$)`)
	sep := regexp.MustCompile(`(\{\{\}\}|</\w+>)[:,](\s|<|$)`)
	paren := regexp.MustCompile(`\(\{\{\$\.[TF] |\$\.[TF] [^}]*\}\}\)| \(\{\{[^}]*\}\}\)`) // "(" and ")" around a translated text, or around a value after a text ("山田 (yamada@…)"): "（" "）" in Japanese
	n := 0
	err := fs.WalkDir(templateFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFiles, path)
		n++
		for i, line := range strings.Split(string(b), "\n") {
			if m := period.FindString(action.ReplaceAllString(line, "{{}}")); m != "" {
				t.Errorf("%s:%d: %q: give the punctuation to T (\". \" is \"。\" in Japanese)", path, i+1, m)
			}
			if m := sep.FindString(action.ReplaceAllString(line, "{{}}")); m != "" {
				t.Errorf("%s:%d: %q: give the colon or comma to T ({{$.T \": \"}}, {{$.T \", \"}}: \"：\" and \"、\" in Japanese)", path, i+1, m)
			}
			if m := paren.FindString(line); m != "" {
				t.Errorf("%s:%d: %q: give the parentheses to T (\" (\" and \")\" are \"（\" and \"）\" in Japanese)", path, i+1, m)
			}
		}
		return err
	})
	if err != nil || n < 10 {
		t.Fatalf("read %d templates: %v", n, err)
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                        "en",
		"ja":                      "ja",
		"ja-JP,ja;q=0.9,en;q=0.8": "ja",
		"en-US,en;q=0.9,ja;q=0.8": "en",
		"fr-FR,ja;q=0.5":          "ja",
		"de, fr":                  "en",
		"en;q=0.2, ja;q=0.7":      "ja",
		"JA-jp":                   "ja",
		"ja;q=abc":                "ja",
		";;;,,, q=":               "en",
	} {
		if got := acceptLanguage(h); got != want {
			t.Errorf("%q: %s, want %s", h, got, want)
		}
	}
}

func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"ja-JP,ja;q=0.9", "en;q=0.2, ja;q=0.7", ";q=", ","} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if l := acceptLanguage(h); l != "en" && l != "ja" {
			t.Fatalf("%q -> %q", h, l)
		}
	})
}

// TestTimesInText: a run-time text's machine times read as the page's
// other times, in the configured zone and the page's language.
func TestTimesInText(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	s := "recycled 2026-11-20T01:00:00Z: no MQL before 2026-12-20T01:00:00Z (recycle.cooldown)"
	ja := page{L: "ja", Loc: tokyo}
	if got := ja.Times(ja.T(s)); got != "2026年11月20日 10:00 にナーチャリングに戻したため、2026年12月20日 10:00 まで MQL になりません（recycle.cooldown）" {
		t.Errorf("ja: %s", got)
	}
	en := page{L: "en", Loc: tokyo}
	if got := en.Times(s); got != "recycled 20 Nov 2026 10:00: no MQL before 20 Dec 2026 10:00 (recycle.cooldown)" {
		t.Errorf("en: %s", got)
	}
}

// TestStageNamesAreStates: a stage is where a person is, shown in the
// lists' stage columns; its Japanese must not read as an action (the
// recycled stage read ナーチャリングに戻す, "send back to nurture").
func TestStageNamesAreStates(t *testing.T) {
	for _, s := range []string{"anonymous", "lead", "mql", "sal", "sql", "opportunity", "customer", "rejected", "lost", "recycled"} {
		j := ja["stage:"+s]
		if r := []rune(j); len(r) == 0 || strings.ContainsRune("うくぐすつぬぶむる", r[len(r)-1]) {
			t.Errorf("stage %s in Japanese %q reads as a verb", s, j)
		}
	}
}
