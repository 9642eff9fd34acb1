package admin

import (
	"regexp"
	"strings"
)

// Messages the pages show that servers build at run time (scope and
// sign-in refusals, a recipient list's problems, a link's refusal): each
// pattern and its Japanese, with the parts it captures ($1...) put back.
var jaPatterns = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^this token lacks the (\w+) scope$`), "このトークンには $1 の権限がありません。権限のあるトークンでサインインしてください"},
	{regexp.MustCompile(`^missing or wrong bearer token$`), "管理トークンがないか、正しくありません"},
	{regexp.MustCompile(`^missing or wrong CSRF token`), "フォームの確認用トークンがないか、古くなっています。ページを開き直してから送信してください"},
	{regexp.MustCompile(`^cross-origin request refused`), "別のサイトからの送信は受け付けません。ワークスペースのページから送信してください"},
	{regexp.MustCompile(`^the MQL definition lab is off: no rules file is loaded`), "MQL 定義ラボは無効です。ルールファイルが読み込まれていません（BATON_RULES に infra/rules.yaml などのルールファイルを指定してください）"},
	{regexp.MustCompile(`^scoring is off: no rules file is loaded`), "スコアリングは無効です。ルールファイルが読み込まれていません（BATON_RULES に infra/rules.yaml などのルールファイルを指定してください）"},
	{regexp.MustCompile(`^No such campaign: (.*)$`), "該当するキャンペーンはありません：$1"},
	{regexp.MustCompile(`^The list could not be read: (.*)$`), "リストを読み込めませんでした：$1"},
	// recipientcsv.
	{regexp.MustCompile(`^the CSV is empty$`), "CSV が空です"},
	{regexp.MustCompile(`^header: (.*)$`), "見出し行：$1"},
	{regexp.MustCompile(`^no email column: the header has (.*); name one of them email or メールアドレス$`), "メールアドレスの列がありません。見出し行は $1 です。いずれかの列名を email または メールアドレス にしてください"},
	{regexp.MustCompile(`^line (\d+): (.*)$`), "$1 行目：$2"},
	{regexp.MustCompile(`^more than (\d+) recipients: split the list$`), "受信者が $1 件を超えています。リストを分けてください"},
	{regexp.MustCompile(`^(\d+) fields, the header has (\d+)$`), "項目が $1 個あります（見出し行は $2 個）"},
	{regexp.MustCompile(`^no email field$`), "メールアドレスの項目がありません"},
	{regexp.MustCompile(`^(".*") is not an email address$`), "$1 はメールアドレスではありません"},
	// encoding/csv's, inside "line n: ...".
	{regexp.MustCompile(`^extraneous or missing " in quoted-field$`), "引用符（\"）の閉じ忘れか余分な引用符があります"},
	{regexp.MustCompile(`^bare " in non-quoted-field$`), "引用符で囲まれていない項目に \" があります"},
	{regexp.MustCompile(`^wrong number of fields$`), "項目の数が見出し行と合いません"},
	// links (the campaign form).
	{regexp.MustCompile(`^destination longer than 4096 bytes$`), "リンク先 URL が 4096 バイトを超えています"},
	{regexp.MustCompile(`^destination (".*") must be an absolute http or https URL$`), "リンク先 $1 は http または https で始まる完全な URL にしてください"},
	{regexp.MustCompile(`^destination (".*") must not carry credentials$`), "リンク先 $1 にユーザー名やパスワードを含めないでください"},
	{regexp.MustCompile(`^destination host (".*") is not in the allowed link hosts$`), "リンク先のホスト $1 は許可されたリンク先ホスト（link_hosts）にありません"},
	{regexp.MustCompile(`^give 1 to 200 destination urls$`), "リンク先 URL は 1〜200 個にしてください"},
	// report filters.
	{regexp.MustCompile(`^period must be day, week or month$`), "期間の単位は day、week、month のいずれかです"},
	{regexp.MustCompile(`^by must be channel, source, medium or campaign$`), "集計軸は channel、source、medium、campaign のいずれかです"},
	{regexp.MustCompile(`^(\w+) must be a date \(2026-11-01\) or RFC 3339 time$`), "$1 は日付（2026-11-01）または RFC 3339 形式の日時にしてください"},
}

// jaPhrases are short run-time texts (an MQL condition's facts as the
// rules engine words them, a stage change's reason): no sentence, no "。".
var jaPhrases = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^behaviour (\S+) >= (\S+)$`), "行動スコア $1 ≥ $2"},
	{regexp.MustCompile(`^grade (\S+)$`), "グレード $1"},
	{regexp.MustCompile(`^BANT (\d) of 4 \((.*)\) >= (\d)$`), "BANT 4 項目中 $1（$2）≥ $3"},
	{regexp.MustCompile(`^matrix cell (\S+) x (\S+)$`), "マトリクス：行動帯 $1 × グレード $2"},
	{regexp.MustCompile(`^sales: (.*)$`), "営業：$1"},
	{regexp.MustCompile(`^recycled after (.*)$`), "$1 のためナーチャリングに戻す"},
}

// jaPhrase is a short run-time text in Japanese ("" when no pattern knows it).
func jaPhrase(s string) string {
	for _, p := range jaPhrases {
		if m := p.re.FindStringSubmatchIndex(s); m != nil {
			return string(p.re.ExpandString(nil, p.ja, s, m))
		}
	}
	return ""
}

// jaMessage is a run-time message in Japanese ("" when no pattern knows
// it). A message that wraps another ("...: line 3: ...") has the inner
// one translated too.
func jaMessage(s string) string {
	s = strings.TrimSuffix(s, ".")
	for _, p := range jaPatterns {
		m := p.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		var out []byte
		out = p.re.ExpandString(out, p.ja, s, m)
		j := string(out)
		// The last capture may be a message of its own.
		if n := len(m) / 2; n > 1 && m[2*(n-1)] >= 0 {
			inner := s[m[2*(n-1)]:m[2*(n-1)+1]]
			if t := jaMessage(inner); t != "" {
				j = strings.Replace(j, inner, strings.TrimSuffix(t, "。"), 1)
			}
		}
		return j + "。"
	}
	return ""
}

// defParts word a condition's definition (lab.Describe: "behaviour >= 40,
// grade A or B, BANT 3 of 4, matrix hot x A/B/C, warm x A") in Japanese.
var defParts = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`behaviour >= (\S+?)(,|$)`), "行動スコア ≥ $1$2"},
	{regexp.MustCompile(`grade (\S+(?: or \S+?)*)(,|$)`), "グレード $1$2"},
	{regexp.MustCompile(`BANT (\d) of 4`), "BANT 4 項目中 $1 以上"},
	{regexp.MustCompile(`matrix `), "マトリクス "},
	{regexp.MustCompile(` x `), " × "},
	{regexp.MustCompile(` or `), "・"},
	{regexp.MustCompile(`, `), "、"},
}

// Def is a condition's definition in the page's language.
func (p page) Def(s string) string {
	if p.L != "ja" {
		return s
	}
	for _, d := range defParts {
		s = d.re.ReplaceAllString(s, d.ja)
	}
	return s
}
