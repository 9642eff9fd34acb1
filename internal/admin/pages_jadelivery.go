package admin

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A delivery's failure (push.Delivery.LastError, a dead letter's reason)
// as the push worker words it: push.Error's "connector: status[ CODE][:
// message]", "connector: gave up after n attempts: ...", several joined by
// "; ". On a Japanese page Baton's own words are said in Japanese; what the
// SFA answered (its code and message) and Go's network errors are kept
// verbatim inside a Japanese sentence, so the SFA's text can be searched
// in its documentation.

// connectorNames name the connectors (push.Connector.Name, a delivery's
// Connector, the first word of its failure) for people, in English and in
// Japanese: an SFA as its maker spells it (kintone's brand is lower case),
// the webhook by what it reaches, the built-in inbox as the navigation
// names it. Every page's text names a connector by connectorName; URLs,
// form values, data attributes, JSON and logs keep the machine name.
var connectorNames = map[string]struct{ en, ja string }{
	"salesforce": {"Salesforce", "Salesforce"},
	"hubspot":    {"HubSpot", "HubSpot"},
	"kintone":    {"kintone", "kintone"},
	"webhook":    {"Webhook receiver", "Webhook の送信先"},
	"inbox":      {"Inbox", "受信箱"},
}

// connectorName is connector c as a sentence of lang names it; one it
// does not know, as it is.
func connectorName(c, lang string) string {
	n, ok := connectorNames[c]
	switch {
	case !ok:
		return c
	case lang == "ja":
		return n.ja
	}
	return n.en
}

var (
	sfaFailure = regexp.MustCompile(`^(\w+): (\d{1,3})(?: (\S+?))?(?:: ([\s\S]*))?$`) // a code may hold ":" (HubSpot's RATE_LIMIT:DAILY)
	sfaGaveUp  = regexp.MustCompile(`^(\w+): gave up after (\d+) attempts: ([\s\S]*)$`)
	sfaQuota   = regexp.MustCompile(`^(\w+): gave up after (\d+) hours of a spent API allocation: ([\s\S]*)$`) // push.QuotaPatience
	// Where the next of several failures starts (only a known connector's:
	// an SFA's message may hold "; ").
	sfaNext = regexp.MustCompile(`; (?:salesforce|hubspot|kintone|webhook): (?:\d{1,3}\b|gave up after )`)
)

// jaSFAMessages are the messages Baton itself puts in a push.Error (crm's
// connectors), and the reasons push gives a dead letter beside a
// connector's failure. A group named conn is a connector's name, which a
// page names for people (connectorName).
var jaSFAMessages = []struct {
	re *regexp.Regexp
	ja string
}{
	{regexp.MustCompile(`^answered with a redirect to (".*") instead of doing the request; redirects are never followed \(check the configured URL\)$`), "$1 へのリダイレクトで応答し、要求を処理しませんでした。リダイレクトには従いません（設定した URL を確認してください）"},
	{regexp.MustCompile(`^token response without access_token/instance_url$`), "トークンの応答に access_token または instance_url がありません"},
	{regexp.MustCompile(`^query answer: ([\s\S]*)$`), "検索の応答を読み取れません：$1"},
	{regexp.MustCompile(`^the Account upserted has no Id$`), "登録した取引先（Account）の Id が応答にありません"},
	{regexp.MustCompile(`^keeping the Account's values: ([\s\S]*)$`), "取引先（Account）の既存の値を残す処理に失敗しました：$1"},
	{regexp.MustCompile(`^several Leads share the external id: ([\s\S]*)$`), "同じ外部 ID のリードが複数あります：$1"},
	{regexp.MustCompile(`^several ([\s\S]+?) records share the external id: ([\s\S]*)$`), "同じ外部 ID の $1 レコードが複数あります：$2"},
	{regexp.MustCompile(`^the external-id field ([\s\S]+?) does not exist or is not visible to the integration user \(check the field and its field-level security\): ([\s\S]*)$`), "外部 ID 項目 $1 が存在しないか、連携ユーザーから参照できません（項目と項目レベルセキュリティを確認してください）：$2"},
	{regexp.MustCompile(`^unexpected answer: ([\s\S]*)$`), "想定外の応答です：$1"},
	{regexp.MustCompile(`^reading the record's status: ([\s\S]*)$`), "レコードのステータスを読み込めません：$1"},
	{regexp.MustCompile(`^reading the record's ([^:]+): ([\s\S]*)$`), "レコードの $1 を読み込めません：$2"},
	{regexp.MustCompile(`^reading the app's form fields: ([\s\S]*)$`), "アプリのフォームのフィールドを読み込めません：$1"}, // stored before 2026-12-03
	{regexp.MustCompile(`^reading the form fields of app (\d+): ([\s\S]*)$`), "アプリ $1 のフォームのフィールドを読み込めません：$2"},
	{regexp.MustCompile(`^form fields: ([\s\S]*)$`), "フォームのフィールドの応答を読み取れません：$1"},
	{regexp.MustCompile(`^finding the person's record: ([\s\S]*)$`), "本人のレコードを検索できません：$1"},
	{regexp.MustCompile(`^finding the lead's record: ([\s\S]*)$`), "リードのレコードを検索できません：$1"},
	{regexp.MustCompile(`^reading the Lead: ([\s\S]*)$`), "リード（Lead）を読み込めません：$1"},
	{regexp.MustCompile(`^commenting on record (\d+): ([\s\S]*)$`), "レコード $1 にコメントを書き込めません：$2"},
	{regexp.MustCompile(`^reading record (\d+)'s comments: ([\s\S]*)$`), "レコード $1 のコメントを読み込めません：$2"},
	{regexp.MustCompile(`^deleting the person's record: ([\s\S]*)$`), "本人のレコードを削除できません：$1"},
	{regexp.MustCompile(`^record lookup failed$`), "レコードの検索に失敗しました"},
	{regexp.MustCompile(`^delete failed$`), "削除に失敗しました"},
	{regexp.MustCompile(`^company (\S+) not recorded: ([\s\S]*)$`), "会社 $1 を作成しましたが、記録できませんでした：$2"},
	{regexp.MustCompile(`^keeping the company's values: ([\s\S]*)$`), "会社の既存の値を残す処理に失敗しました：$1"},
	{regexp.MustCompile(`^company created without an id$`), "会社を作成しましたが、応答に ID がありません"},
	{regexp.MustCompile(`^upsert answered without a contact id$`), "コンタクトを登録しましたが、応答にコンタクト ID がありません"},
	{regexp.MustCompile(`^note (\S+) created but not recorded: ([\s\S]*)$`), "メモ $1 を作成しましたが、記録できませんでした：$2"},
	// A lost answer looked for before sending again (push's HubSpot notes and companies).
	{regexp.MustCompile(`^note (\S+) found but not recorded: ([\s\S]*)$`), "送信済みのメモ $1 を見つけましたが、記録できませんでした：$2"},
	{regexp.MustCompile(`^the note's answer was lost and search does not see it yet \(its index lags\): looking again before sending it again$`), "メモ送信の応答が失われ、検索にもまだ現れません（索引の反映待ち）。再送の前にもう一度確認します"},
	{regexp.MustCompile(`^recording the note about to be sent: ([\s\S]*)$`), "送信するメモの記録に失敗しました：$1"},
	{regexp.MustCompile(`^reading the org's Task (\S+) values \(it refused the classic one\): ([\s\S]*)$`), "組織の ToDo の $1 の選択肢を読み取れません（既定の値 Completed / High が拒否されたため）：$2"},
	{regexp.MustCompile(`^reading the org's default Lead Status, which a lead qualifying again is set back to \(or set sfa\.salesforce\.lead_status\): ([\s\S]*)$`), "組織の既定のリード状況（再び MQL になったリードに戻す値）を読み取れません（sfa.salesforce.lead_status で指定することもできます）：$1"},
	{regexp.MustCompile(`^recording the lead status set: ([\s\S]*)$`), "戻したリード状況の記録に失敗しました：$1"},
	// An SLA breach's owner, read from the SFA's record (crm's RecordOwner).
	{regexp.MustCompile(`^reading the contact's owner: ([\s\S]*)$`), "コンタクトの所有者を読み取れません：$1"},
	{regexp.MustCompile(`^recording the Account the duplicate rule matched: ([\s\S]*)$`), "重複ルールが一致した取引先（Account）の記録に失敗しました：$1"},
	{regexp.MustCompile(`^the company's answer was lost and search does not see it yet \(its index lags\): looking again before creating it again$`), "会社作成の応答が失われ、検索にもまだ現れません（索引の反映待ち）。再作成の前にもう一度確認します"},
	{regexp.MustCompile(`^recording the company about to be created: ([\s\S]*)$`), "作成する会社の記録に失敗しました：$1"},
	// A contact without the email HubSpot refuses (push's HubSpot, INVALID_EMAIL).
	{regexp.MustCompile(`^the contact's answer was lost and search does not see it yet \(its index lags\): looking again before creating it again$`), "コンタクト作成の応答が失われ、検索にもまだ現れません（索引の反映待ち）。再作成の前にもう一度確認します"},
	{regexp.MustCompile(`^recording the contact about to be created: ([\s\S]*)$`), "作成するコンタクトの記録に失敗しました：$1"},
	{regexp.MustCompile(`^recording the Lead update the duplicate rule refused: ([\s\S]*)$`), "重複ルールが拒否したリードの更新の記録に失敗しました：$1"},
	{regexp.MustCompile(`^recording the contact's values HubSpot refused: ([\s\S]*)$`), "HubSpot が拒否したコンタクトの値の記録に失敗しました：$1"},
	{regexp.MustCompile(`^contact (\S+) created but not recorded: ([\s\S]*)$`), "コンタクト $1 を作成しましたが、記録できませんでした：$2"},
	{regexp.MustCompile(`^contact (\S+) found but not recorded: ([\s\S]*)$`), "作成済みのコンタクト $1 を見つけましたが、記録できませんでした：$2"},
	{regexp.MustCompile(`^contact created without an id$`), "コンタクトを作成しましたが、応答に ID がありません"},
	{regexp.MustCompile(`^partial failure$`), "一部が失敗しました"},
	{regexp.MustCompile(`^private key is not PEM$`), "秘密鍵が PEM 形式ではありません"},
	{regexp.MustCompile(`^private key is not RSA$`), "秘密鍵が RSA の鍵ではありません"},
	{regexp.MustCompile(`^private key: ([\s\S]*)$`), "秘密鍵を読み込めません：$1"},
	{regexp.MustCompile(`^webhook secret must be whsec_ followed by base64 of at least 16 bytes$`), "Webhook のシークレットは whsec_ に続けて 16 バイト以上の base64 にしてください"},
	// push's and deadletter's reasons.
	{regexp.MustCompile(`^build lead: ([\s\S]*)$`), "SFA に渡すリードを組み立てられません：$1"},
	{regexp.MustCompile(`^earlier deliveries: ([\s\S]*)$`), "以前の配信で SFA に送った内容を読めません：$1"},
	{regexp.MustCompile(`^tombstone check: ([\s\S]*)$`), "削除済みの人でないか確かめられません：$1"},
	{regexp.MustCompile(`^consent check: ([\s\S]*)$`), "同意を撤回した人でないか確かめられません：$1"},
	// A form sent after the MQL (push.DeliverReinquiry).
	{regexp.MustCompile(`^read the form: ([\s\S]*)$`), "MQL の後に送信されたフォームを読み取れません：$1"},
	{regexp.MustCompile(`^read the MQL: ([\s\S]*)$`), "MQL を読み取れません：$1"},
	// A touch of the MQL's reasons marked absent (push.DeliverAttendance).
	{regexp.MustCompile(`^read the touch: ([\s\S]*)$`), "欠席（または出席）とされた接点を読み取れません：$1"},
	{regexp.MustCompile(`^read the attendance handed on: ([\s\S]*)$`), "スコアリングが伝えた出欠の変更を読み取れません：$1"},
	{regexp.MustCompile(`^the touch changed again since: waiting for scoring to read it$`), "接点の出欠がその後また変わりました。スコアリングがその変更を読み取るのを待っています"},
	{regexp.MustCompile(`^no delivery record of the MQL here \(configured after it was raised, or the MQL predates delivery records\) and no record of the person found by their id or email: the form sent after the MQL was not told; replay it once the person is there$`), "ここには MQL の配信記録がなく（MQL の後に設定された、または配信記録を残す前の MQL）、本人の ID やメールアドレスでもレコードが見つからないため、MQL の後に送信されたフォームを伝えていません。本人のレコードができてから再送してください"},
	{regexp.MustCompile(`^(?P<conn>\w+): waiting for the MQL's delivery$`), "$1：MQL の配信を待っています（MQL が届いてから、その後のフォーム送信を伝えます）"},
	{regexp.MustCompile(`^(?P<conn>\w+): not configured now: the MQL sent to it on purpose was not delivered; replay it once it is$`), "$1：現在は設定されていないため、指定して送信した MQL を配信していません。設定し直してから再送してください"},
	{regexp.MustCompile(`^(?P<conn>\w+): not configured now: the MQL was not delivered to it; replay it once it is$`), "$1：現在は設定されていないため、MQL を配信していません。設定し直してから再送してください"},
	{regexp.MustCompile(`^the person withdrew consent \(opt-out\) after qualifying: not handed to the SFA; replay it if they consent again$`), "MQL になった後に本人が同意を撤回（オプトアウト）したため、SFA に渡していません。再び同意した場合は再送してください"},
	{regexp.MustCompile(`^pending forget: ([\s\S]*)$`), "配信中に削除された人を SFA から消す依頼の記録を読み書きできません：$1"},
	{regexp.MustCompile(`^internal error \(panic\): ([\s\S]*)$`), "Baton の内部エラー（panic）。この配信は再送されません。修正後にデッドレターから再送してください：$1"},
	{regexp.MustCompile(`^MQA check: ([\s\S]*)$`), "MQA を確かめられません：$1"},
	{regexp.MustCompile(`^tell (?P<conn>[\s\S]+?) to forget a person erased during delivery: ([\s\S]*)$`), "配信中に削除された人を忘れるよう $1 に伝えられません：$2"},
	{regexp.MustCompile(`^delivery kept failing: SQS moved it here after the push queue's maxReceiveCount receives$`), "配信の失敗が続いたため、SQS がここに移しました（push キューの maxReceiveCount 回の受信の後）"},
	{regexp.MustCompile(`^score: a stream batch failed \(unreadable failure record\)$`), "スコアリングがストリームのバッチを処理できませんでした（失敗の記録を読み取れません）"},
}

// scoreFailure is deadletter's reason for a batch of the table's stream
// the score function gave up on (Lambda's failure record, its parts
// optional).
var scoreFailure = regexp.MustCompile(`^score: stream batch failed(?: \(([^,)]*)(?:, ([^)]*))?\))?(?: after (\d+) invocations)?(?:: (\d+) records (\S*)\.\.(\S*) of shard (\S*), arrived (\S*)\.\.(\S*))?; replay it while the stream holds its records \(24 hours\), or rescore the people concerned \(POST /admin/rescore\)$`)

// jaScoreFailure says scoreFailure's reason in Japanese, its arrival
// times as the page's other times.
func (p page) jaScoreFailure(s string) (string, bool) {
	m := scoreFailure.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	out := "スコアリングがストリームのバッチを処理できませんでした"
	if m[1] != "" {
		out += "（" + m[1]
		if m[2] != "" {
			out += "、" + m[2]
		}
		out += "）"
	}
	if m[3] != "" {
		out += "。呼び出し " + m[3] + " 回"
	}
	if m[4] != "" {
		out += "。シャード " + m[7] + " の " + m[4] + " 件（" + m[5] + "〜" + m[6] + "）、到着 " + p.Times(m[8]) + "〜" + p.Times(m[9])
	}
	return out + "。ストリームが記録を保持している間（24 時間）に再送するか、関係する人をスコアし直してください（POST /admin/rescore）", true
}

// netHints say in Japanese what Go's network error (kept as it is) means.
var netHints = []struct{ en, ja string }{
	{"connection refused", "接続を拒否されました"},
	{"no such host", "ホストが見つかりません"},
	{"Client.Timeout exceeded", "時間切れ"},
	{"deadline exceeded", "時間切れ"},
	{"i/o timeout", "時間切れ"},
	{"certificate", "TLS 証明書を検証できません"},
	{"connection reset", "接続が切断されました"},
	{"EOF", "接続が切断されました"},
}

// Connector names a connector for people on a chip, a button or a
// notice (connectorName; a Japanese chip says the webhook's "Webhook"
// alone).
func (p page) Connector(c string) string {
	if p.L != "ja" {
		return connectorName(c, "en")
	}
	return strings.TrimSuffix(connectorName(c, "ja"), " の送信先")
}

// Connectors names connectors as Connector does, joined as the page's
// language lists them.
func (p page) Connectors(cs []string) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = p.Connector(c)
	}
	if p.L == "ja" {
		return strings.Join(names, "、")
	}
	return strings.Join(names, ", ")
}

// Delivery is a delivery's failure in the page's language. In English it
// is the push worker's words as they are, but for its connectors, named
// for people ("HubSpot: 429 RATE_LIMIT:DAILY: ..."): the SFA's code and
// message, which its documentation is searched by, are kept.
func (p page) Delivery(s string) string {
	if s == "" {
		return s
	}
	if p.L == "ja" {
		if j, ok := p.jaScoreFailure(s); ok {
			return j
		}
	}
	var parts []string
	for s != "" {
		n := len(s)
		if m := sfaNext.FindStringIndex(s); m != nil {
			n = m[0]
		}
		if p.L == "ja" {
			parts = append(parts, jaDelivery(s[:n]))
		} else {
			parts = append(parts, enDelivery(s[:n]))
		}
		s = strings.TrimPrefix(s[n:], "; ")
	}
	if p.L == "ja" {
		return strings.Join(parts, "／")
	}
	return strings.Join(parts, "; ")
}

// enDelivery is one failure as push words it, its connectors named for
// people (connectorName), every other word kept.
func enDelivery(s string) string {
	for _, re := range []*regexp.Regexp{sfaGaveUp, sfaQuota} {
		if m := re.FindStringSubmatchIndex(s); m != nil {
			last := len(m) - 2
			return connectorName(s[m[2]:m[3]], "en") + s[m[3]:m[last]] + enDelivery(s[m[last]:])
		}
	}
	if m := sfaFailure.FindStringSubmatchIndex(s); m != nil {
		out := connectorName(s[m[2]:m[3]], "en")
		if m[8] < 0 { // no message
			return out + s[m[3]:]
		}
		msg := s[m[8]:]
		if e, ok := sfaMessage(msg, "en"); ok {
			msg = e
		}
		return out + s[m[3]:m[8]] + msg
	}
	if e, ok := sfaMessage(s, "en"); ok {
		return e
	}
	return s
}

// jaDelivery is one failure in Japanese.
func jaDelivery(s string) string {
	if m := sfaGaveUp.FindStringSubmatch(s); m != nil {
		return connectorName(m[1], "ja") + "：" + m[2] + " 回試みましたが届かず、断念しました。" + jaDelivery(m[3])
	}
	if m := sfaQuota.FindStringSubmatch(s); m != nil {
		return connectorName(m[1], "ja") + "：API 利用上限に達したまま " + m[2] + " 時間が過ぎたため、断念しました。" + jaDelivery(m[3])
	}
	if m := sfaFailure.FindStringSubmatch(s); m != nil {
		name, status, code, msg := connectorName(m[1], "ja"), m[2], m[3], m[4]
		if j, ok := sfaMessage(msg, "ja"); ok { // Baton's own words
			if status == "0" && code == "" {
				return name + "：" + j
			}
			return name + "（" + strings.TrimSpace(status+" "+code) + "）：" + j
		}
		answer := strings.TrimSpace(status + " " + code)
		var out string
		switch {
		case status == "0" && code == "JWT":
			out = sp(name) + "の認証用 JWT を作れません"
		case status == "0" && strings.HasPrefix(msg, "parse "):
			out = sp(name) + "の URL を読み取れません"
		case status == "0":
			out = sp(name) + "に接続できませんでした"
			for _, h := range netHints {
				if strings.Contains(msg, h.en) {
					out += "（" + h.ja + "）"
					break
				}
			}
		case status == "429" || code == "REQUEST_LIMIT_EXCEEDED" || code == "RATE_LIMITS":
			out = sp(name) + "の API 利用上限に達しました（" + answer + "）"
		case code3(status) >= 500 && !(status == "520" && code != ""): // kintone's 520 with its code is its answer: a refusal
			out = sp(name) + "側でエラーが発生しました（" + answer + "）"
		default:
			out = sp(name) + "が拒否しました（" + answer + "）"
		}
		if msg != "" {
			out += "：" + msg
		}
		return out
	}
	if j, ok := sfaMessage(s, "ja"); ok {
		return j
	}
	return "配信に失敗しました：" + s
}

// sfaMessage is one of Baton's own messages (jaSFAMessages) in lang: in
// Japanese, in English as it is; either way the connector it names named
// for people, and a failure it wraps (its last part) said as a failure
// is (jaDelivery, enDelivery).
func sfaMessage(s, lang string) (string, bool) {
	for _, p := range jaSFAMessages {
		m := p.re.FindStringSubmatchIndex(s)
		if m == nil {
			continue
		}
		groups := make([]string, len(m)/2)
		for i := 1; i < len(groups); i++ {
			if m[2*i] >= 0 {
				groups[i] = s[m[2*i]:m[2*i+1]]
			}
		}
		conn := p.re.SubexpIndex("conn")
		if conn > 0 {
			groups[conn] = connectorName(groups[conn], lang)
		}
		if last := len(groups) - 1; last > 0 && last != conn && (sfaFailure.MatchString(groups[last]) || sfaGaveUp.MatchString(groups[last]) || sfaQuota.MatchString(groups[last])) {
			if lang == "ja" {
				groups[last] = jaDelivery(groups[last])
			} else {
				groups[last] = enDelivery(groups[last])
			}
		}
		if lang == "ja" {
			return groupRef.ReplaceAllStringFunc(p.ja, func(ref string) string {
				if n := int(ref[1] - '0'); n < len(groups) {
					return groups[n]
				}
				return "" // as regexp's Expand says a group it lacks
			}), true
		}
		var b strings.Builder // the English as it is, its groups replaced
		at := 0
		for i := 1; i < len(groups); i++ {
			if m[2*i] < at { // unmatched, or inside the last
				continue
			}
			b.WriteString(s[at:m[2*i]])
			b.WriteString(groups[i])
			at = m[2*i+1]
		}
		b.WriteString(s[at:])
		return b.String(), true
	}
	return "", false
}

// groupRef is a group's place in a jaSFAMessages' Japanese ($1..$9).
var groupRef = regexp.MustCompile(`\$[1-9]`)

// sp is a name followed by the space Japanese puts after Latin letters
// ("Salesforce が"), none after Japanese ("Webhook の送信先が").
func sp(name string) string {
	if r, _ := utf8.DecodeLastRuneInString(name); r < utf8.RuneSelf {
		return name + " "
	}
	return name
}

func code3(status string) int {
	n, _ := strconv.Atoi(status)
	return n
}
