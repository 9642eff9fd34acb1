// Package jatext words Baton's short run-time texts in Japanese: an MQL's
// facts as the rules engine words them, an MQA's reasons, a stage
// change's reason, the SLA as the calendar describes it, and the names of
// person attributes and buying-group roles. The workspace's pages and the
// SFA hand-off (push.Lead's summary for a Japanese sales team) read them
// alike.
package jatext

import (
	"fmt"
	"regexp"
	"strings"
)

// Names are the Japanese names of person attributes ("attr:budget"),
// buying-group roles ("role:decision_maker"), event types ("page_view"),
// funnel stages ("stage:lost") and marketing channels ("channel:search");
// English has the same keys' English.
var Names = map[string]string{
	"attr:company": "会社名", "attr:title": "役職", "attr:name": "氏名", "attr:first_name": "名", "attr:last_name": "姓",
	"attr:name_kana": "氏名（フリガナ）", "attr:first_name_kana": "名（フリガナ）", "attr:last_name_kana": "姓（フリガナ）",
	"attr:department": "部署", "attr:phone": "電話番号", "attr:mobile": "携帯電話", "attr:industry": "業種", "attr:employees": "従業員数", "attr:revenue": "売上規模",
	"attr:country": "国", "attr:region": "都道府県", "attr:city": "市区町村", "attr:website": "ウェブサイト", "attr:budget": "予算",
	"attr:authority": "決裁権", "attr:need": "ニーズ", "attr:timeframe": "導入時期", "attr:message": "メッセージ",
	"role:decision_maker": "決裁者", "role:manager": "管理職", "role:practitioner": "担当者",
	// Event types, stages.
	"page_view": "ページ閲覧", "download": "ダウンロード", "outbound": "外部リンク", "form_submit": "フォーム送信",
	"email_click": "メールのクリック", "email_open": "メールの開封", "custom": "カスタム", "identify": "識別", "offline": "オフライン接点",
	"stage:anonymous": "匿名", "stage:lead": "リード", "stage:mql": "MQL", "stage:sal": "SAL（営業受入）", "stage:sql": "SQL",
	"stage:opportunity": "商談", "stage:customer": "顧客", "stage:rejected": "差し戻し", "stage:lost": "失注", "stage:recycled": "ナーチャリング中",
	// Channels (qualify.TouchOf, event.OfflineChannels).
	"channel:direct": "ダイレクト", "channel:email": "メール", "channel:search": "自然検索", "channel:paid": "広告",
	"channel:social": "ソーシャル", "channel:referral": "参照サイト", "channel:exhibition": "展示会", "channel:seminar": "セミナー",
	"channel:webinar": "ウェビナー", "channel:business-card": "名刺交換",
}

// English are the English names of the keys of Names whose key is not
// the English itself: event types ("form_submit" -> "form submit"),
// buying-group roles and funnel stages. The workspace's English pages and
// the SFA hand-off in English read them. A channel's key is its English
// name (the English pages and CSV say "search", "business-card"), and so is
// a person attribute's: Name says them without their kind.
var English = map[string]string{
	"page_view": "page view", "download": "download", "outbound": "outbound link", "form_submit": "form submit",
	"email_click": "newsletter click", "email_open": "newsletter open", "identify": "identified", "offline": "offline touch",
	"role:decision_maker": "decision maker", "role:manager": "manager", "role:practitioner": "practitioner",
	"stage:anonymous": "anonymous", "stage:lead": "lead", "stage:mql": "MQL", "stage:sal": "SAL (accepted)", "stage:sql": "SQL",
	"stage:opportunity": "opportunity", "stage:customer": "customer", "stage:rejected": "rejected", "stage:lost": "lost", "stage:recycled": "recycled",
}

// Name is key's name in lang ("ja": Names; else English): an event type
// ("form_submit"), or a kind and a code ("stage:lost", "role:manager",
// "channel:search", "attr:budget"). A key the language has no name for
// reads as its code ("channel:search" -> "search"; a custom role or a
// rules file's channel stays as it is).
func Name(lang, key string) string {
	names := English
	if lang == "ja" {
		names = Names
	}
	if n, ok := names[key]; ok {
		return n
	}
	if _, code, ok := strings.Cut(key, ":"); ok {
		return code
	}
	return key
}

// Templates are the Japanese of every phrase pattern, for tests that
// check which ASCII words the Japanese keeps.
func Templates() []string {
	var out []string
	for _, p := range listPhrases {
		out = append(out, p.ja)
	}
	for _, p := range phrases {
		out = append(out, p.ja)
	}
	return out
}

// phrases are short run-time texts (an MQL condition's facts as the
// rules engine words them, a stage change's reason): no sentence, no "。".
var phrases = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^behaviour (\S+) >= (\S+)$`), "行動スコア $1 ≥ $2"},
	{regexp.MustCompile(`^grade (\S+)$`), "グレード $1"},
	{regexp.MustCompile(`^matrix cell (\S+) x (\S+)$`), "マトリクス：行動帯 $1 × グレード $2"},
	{regexp.MustCompile(`^sales: (.*)$`), "営業：$1"},
	{regexp.MustCompile(`^recycled after (.*)$`), "$1 のためナーチャリングに戻す"},
	// Why a person can never qualify (rulebook: Fit's exclusion; why one
	// cannot yet is waitPhrases).
	{regexp.MustCompile(`^competitor domain (\S+)$`), "競合他社のドメイン（$1）"},
	// An MQA's reasons (account.judge; the roles' ones are rolePhrases).
	{regexp.MustCompile(`^(\d+) people active within (\S+) days \(at least (\d+)\)$`), "$2 日以内に $1 人が活動（$3 人以上）"},
	{regexp.MustCompile(`^account score (\S+)$`), "アカウントスコア $1"},
	// The SLA as calendar.Describe words it (the dashboard's follow-up heading).
	{regexp.MustCompile(`^(\d+) business days?$`), "$1 営業日"},
	{regexp.MustCompile(`^(\d+) business hours?$`), "営業時間で $1 時間"},
	{regexp.MustCompile(`^(\S+) of business time$`), "営業時間で $1"},
	{regexp.MustCompile(`^(\d+)h$`), "$1 時間"},
	{regexp.MustCompile(`^(\d+)d$`), "$1 日"},
}

// waitPhrases are a recycled lead's wait as the rules engine words it
// (rulebook.Engine.waiting), in Japanese and in English: every part of
// recycle: still unmet, the cooldown's end and the new behaviour points
// needed with those earned so far. Each reads with the rules file's keys at
// its end in parentheses, and without them: the workspace shows them apart
// as a hint for whoever edits the rules (page.RuleKey). Those before it
// said one part (the cooldown's alone while it ran); the last two read
// them as stored, the points' one as the engine says it now.
var waitPhrases = []struct{ re, ja, en string }{
	{`^recycled (\S+): no MQL before (\S+) and until (\S+) new behaviour points since \((\S+) so far\)`,
		"$1 にナーチャリングに戻したため、$2 まで、かつ戻した後の新たな行動スコアが $3 点に達するまで MQL になりません（現在 $4 点）",
		"recycled $1: cannot qualify again before $2, and until $3 new behaviour points after the recycle ($4 so far)"},
	// The points earned so far unknown: a cooldown's wait stored before
	// it said the points, completed from the rules (page.Waiting).
	{`^recycled (\S+): no MQL before (\S+) and until (\S+) new behaviour points since`,
		"$1 にナーチャリングに戻したため、$2 まで、かつ戻した後の新たな行動スコアが $3 点に達するまで MQL になりません",
		"recycled $1: cannot qualify again before $2, and until $3 new behaviour points after the recycle"},
	{`^recycled (\S+): no MQL before (\S+) \((\S+) of (\S+) new behaviour points since\)`,
		"$1 にナーチャリングに戻したため、$2 まで MQL になりません（戻した後の新たな行動スコアは $3 点で、必要な $4 点に達しています）",
		"recycled $1: cannot qualify again before $2 ($3 new behaviour points after the recycle: the $4 needed are reached)"},
	{`^recycled (\S+): no MQL until (\S+) new behaviour points since \((\S+) so far\)`,
		"$1 にナーチャリングに戻したため、戻した後の新たな行動スコアが $2 点に達するまで MQL になりません（現在 $3 点）",
		"recycled $1: cannot qualify again until $2 new behaviour points after the recycle ($3 so far)"},
	// Stored before the wait said every part.
	{`^recycled (\S+): no MQL before (\S+)`,
		"$1 にナーチャリングに戻したため、$2 まで MQL になりません",
		"recycled $1: cannot qualify again before $2"},
	{`^recycled (\S+): (\S+) of (\S+) behaviour points earned since`,
		"$1 にナーチャリングに戻したため、戻した後の新たな行動スコアが $3 点に達するまで MQL になりません（現在 $2 点）",
		"recycled $1: cannot qualify again until $3 new behaviour points after the recycle ($2 so far)"},
}

// waits are waitPhrases compiled, each without the rules file's keys and
// with them.
var waits []struct {
	re     *regexp.Regexp
	ja, en string
}

func init() {
	for _, w := range waitPhrases {
		for _, keyed := range []bool{false, true} {
			re, ja, en := w.re, w.ja, w.en
			if keyed {
				re += ` \((recycle\.[a-z_]+(?:, recycle\.[a-z_]+)*)\)`
			}
			c := regexp.MustCompile(re + "$")
			if keyed { // the keys are the last group
				ja += fmt.Sprintf("（${%d}）", c.NumSubexp())
				en += fmt.Sprintf(" (${%d})", c.NumSubexp())
			}
			waits = append(waits, struct {
				re     *regexp.Regexp
				ja, en string
			}{c, ja, en})
			phrases = append(phrases, struct {
				re *regexp.Regexp
				ja string
			}{c, ja})
		}
	}
}

// listPhrases are short texts with a list in them ("a, b"; the capture
// named list), each item said by item: an MQA's reasons that list
// buying-group roles (account.judge: "roles present: decision_maker,
// manager", "buying group: decision_maker 1, manager 2"), named as the
// accounts pages name them; an MQL's BANT fact, its items named as the
// person page names those attributes.
var listPhrases = []struct {
	re     *regexp.Regexp
	ja     string
	item   func(string) string
	enItem func(string) string // the item in English (EnglishPhrase); nil: as it is
}{
	{regexp.MustCompile(`^roles present: (?P<list>.+)$`), "揃っている役割：$1", role, enRole},
	{regexp.MustCompile(`^buying group: (?P<list>.+)$`), "購買グループ：$1", role, enRole},
	{regexp.MustCompile(`^BANT (\d) of 4 \((?P<list>.*)\) >= (\d)$`), "BANT 4 項目中 $1（$2）≥ $3", attr, nil},
}

// enRole words "decision_maker 1" as "decision maker 1".
func enRole(item string) string {
	r, n, counted := strings.Cut(item, " ")
	r = Name("en", "role:"+r)
	if counted {
		r += " " + n
	}
	return r
}

// EnglishOr is EnglishPhrase(s), or s itself.
func EnglishOr(s string) string {
	if e := EnglishPhrase(s); e != "" {
		return e
	}
	return s
}

// EnglishPhrase is a short run-time text with its codes named in English
// ("roles present: decision_maker, manager" -> "roles present: decision
// maker, manager"); "" when it has none to name.
func EnglishPhrase(s string) string {
	for _, w := range waits {
		if m := w.re.FindStringSubmatchIndex(s); m != nil {
			return string(w.re.ExpandString(nil, w.en, s, m))
		}
	}
	for _, p := range listPhrases {
		if p.enItem == nil {
			continue
		}
		if m := p.re.FindStringSubmatchIndex(s); m != nil {
			n := p.re.SubexpIndex("list")
			list := s[m[2*n]:m[2*n+1]]
			var items []string
			for _, it := range strings.Split(list, ", ") {
				items = append(items, p.enItem(it))
			}
			return s[:m[2*n]] + strings.Join(items, ", ") + s[m[2*n+1]:]
		}
	}
	return ""
}

// role words "decision_maker 1" as "決裁者 1 人"; a role Names does not
// know stays as it is.
func role(item string) string {
	r, n, counted := strings.Cut(item, " ")
	if j, ok := Names["role:"+r]; ok {
		r = j
	}
	if counted {
		r += " " + n + " 人"
	}
	return r
}

// attr names a person attribute ("budget" -> "予算").
func attr(k string) string {
	if j, ok := Names["attr:"+k]; ok {
		return j
	}
	return k
}

// Phrase is a short run-time text in Japanese ("" when no pattern knows
// it).
func Phrase(s string) string {
	for _, p := range listPhrases {
		if m := p.re.FindStringSubmatchIndex(s); m != nil {
			out := string(p.re.ExpandString(nil, p.ja, s, m))
			n := p.re.SubexpIndex("list")
			list := s[m[2*n]:m[2*n+1]]
			if list == "" {
				return out
			}
			var items []string
			for _, it := range strings.Split(list, ", ") {
				items = append(items, p.item(it))
			}
			return strings.Replace(out, list, strings.Join(items, "、"), 1)
		}
	}
	for _, p := range phrases {
		if m := p.re.FindStringSubmatchIndex(s); m != nil {
			return string(p.re.ExpandString(nil, p.ja, s, m))
		}
	}
	return ""
}

// Or is Phrase(s), or s itself when no pattern knows it (a value, a
// condition's name).
func Or(s string) string {
	if j := Phrase(s); j != "" {
		return j
	}
	return s
}
