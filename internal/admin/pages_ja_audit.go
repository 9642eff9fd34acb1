package admin

// jaAudit is the audit trail's page and CSV in Japanese (joined to ja at
// start), and enAudit the English of its keys that are not English text.
var jaAudit = map[string]string{
	"Audit trail": "監査ログ",
	"Who did what in Baton's administration, newest first: every change, every backup download, every disclosure of a person's data, sign-ins and sign-outs, and refused attempts (a wrong token, an ended session, a missing scope), counted per minute and client network.": "Baton の管理画面・管理 API で、誰が何をしたかの記録です（新しい順）。すべての変更、バックアップのダウンロード、個人データの開示、サインインとサインアウト、拒否されたアクセス（誤ったトークン、終了したセッション、権限不足）を記録します。拒否は 1 分・接続元ネットワークごとにまとめて回数を数えます。",
	"Who":               "操作者",
	"Action":            "操作",
	"Result":            "結果",
	"Client network":    "接続元",
	"Time (%s)":         "日時（%s）",
	"Refused":           "拒否",
	"Refused: %s":       "拒否：%s",
	"Done":              "完了",
	"Not applied":       "未反映",
	"Not applied: %s":   "未反映：%s",
	"Failed":            "失敗",
	"Failed: %s":        "失敗：%s",
	"other networks":    "その他のネットワーク",
	"(no known token)":  "（該当トークンなし）",
	"Download CSV":      "CSV をダウンロード",
	"Older entries":     "さらに古い記録",
	"No entries match.": "該当する記録はありません。",
	"No match among the %d entries looked at.": "確認した %d 件の記録に該当はありません。",
	"Refused attempts are kept as one row per minute, client network, reason and name, with their count, at the time of the first attempt (and the last, to the second); a client network is the address with its last part cut (IPv4 /24, IPv6 /48). A tried token is never kept.": "拒否されたアクセスは、1 分・接続元ネットワーク・理由・トークン名ごとに 1 行にまとめ、最初の試行の時刻（と最後の試行の時刻、秒まで）と回数を記録します。接続元ネットワークは IP アドレスの末尾を切り詰めたものです（IPv4 は /24、IPv6 は /48）。試されたトークンそのものは記録しません。",

	"action:signin-failed": "サインイン失敗",
	"action:refused":       "拒否されたアクセス",
	"action:signin":        "サインイン・サインアウト",
	"action:erase":         "個人データの削除",
	"action:disclose":      "個人データの開示",
	"action:backup":        "バックアップのダウンロード",
	"action:change":        "変更操作",

	"reason:unknown token":      "不明なトークン",
	"reason:session ended":      "終了したセッション",
	"reason:token revoked":      "無効化されたトークン",
	"reason:missing scope":      "権限不足",
	"reason:missing CSRF token": "CSRF トークンなし",
	"reason:cross-site":         "他サイトからの送信",
	"reason:rate limited":       "回数制限超過",

	// Why a form's handler refused a request, changed nothing or failed (auditWhy).
	"reason:no reason given":            "理由の入力なし",
	"reason:recorded already":           "同じ判定を記録済み",
	"reason:at that stage already":      "すでにその段階",
	"reason:past that stage":            "すでにその先の段階",
	"reason:before the current MQL":     "現在の MQL より前の判定",
	"reason:cannot follow the stage":    "現在の段階から進めない判定",
	"reason:no such connector":          "該当する連携先なし",
	"reason:no such MQL":                "該当する MQL なし",
	"reason:connector has it":           "連携先に送信済みまたは送信中",
	"reason:erased or withdrew consent": "本人が削除済みまたは同意撤回",
	"reason:queued already":             "すでに送信待ち",
	"reason:connector not configured":   "接続先が未設定",
	"reason:no such dead letter":        "該当するデッドレターなし",
	"reason:records expired":            "ストリームの記録が期限切れ",
	"reason:no hand-off":                "送信するリードなし",
	"reason:not reached":                "デッドレターに届かず",
	"reason:no file":                    "ファイルの指定なし",
	"reason:file too large":             "ファイルが大きすぎる",
	"reason:file unreadable":            "ファイルを読み取れない",

	"auth:token":   "API トークン",
	"auth:session": "ブラウザのセッション",

	"Sign-in":                              "サインイン",
	"Sign-out":                             "サインアウト",
	"Erasure":                              "個人データの削除",
	"Backup download":                      "バックアップのダウンロード",
	"Disclosure download":                  "個人データの開示（ダウンロード）",
	"Disclosure's parts listed":            "個人データの開示（分割ファイルの一覧）",
	"Tracked links registered":             "計測リンクの発行",
	"Campaign created":                     "キャンペーンの作成",
	"Recipient list uploaded":              "受信者リストのアップロード",
	"Offline touches imported":             "オフライン接点の取り込み",
	"Rescore":                              "再スコアリング",
	"Sales verdict":                        "営業の判定",
	"Use of their data stopped or resumed": "データの利用停止・再開",
	"Dead letter replayed":                 "配信失敗の再送",
	"Dead letters purged":                  "配信失敗の一括削除",
	"Accounts merged":                      "アカウントの統合",
	"Account split":                        "アカウントの分割",
	"Rules simulated":                      "MQL 定義のシミュレーション",
}

var enAudit = map[string]string{
	"action:signin-failed": "failed sign-ins", "action:refused": "refused requests", "action:signin": "sign-ins and sign-outs",
	"action:erase": "erasures", "action:disclose": "disclosures", "action:backup": "backup downloads", "action:change": "changes",
	"reason:unknown token": "unknown token", "reason:session ended": "session ended", "reason:token revoked": "token revoked",
	"reason:missing scope": "missing scope", "reason:missing CSRF token": "missing CSRF token", "reason:cross-site": "cross-site",
	"reason:rate limited": "rate limited", "auth:token": "API token", "auth:session": "browser session",
}

func init() {
	for _, w := range auditWhy {
		enAudit["reason:"+w] = w
	}
}

func init() {
	for k, v := range jaAudit {
		if _, ok := ja[k]; !ok {
			ja[k] = v
		}
	}
	for k, v := range enAudit {
		en[k] = v
	}
}
