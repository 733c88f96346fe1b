package sandbox_test

import (
	"net/http"
	"strings"
	"testing"

	"wizard/client/sandbox"
)

// The graph calls only the provider makes, refused as Meta refuses them.
func TestProviderGraphCallsRefused(t *testing.T) {
	sb, _ := start(t, sandbox.Options{})
	g := sb.URL + "/graph/v21.0"
	for _, tc := range []struct {
		name, method, path, want string
		status                   int
	}{
		{"another app", "GET", "/oauth/access_token?client_id=1&client_secret=x&code=abc", `"code":101`, 400},
		{"an unknown code", "GET", "/oauth/access_token?client_id=1800000000000001&client_secret=sandbox-app-secret&code=abc",
			"Invalid verification code format", 400},
		{"webhooks of an unknown WABA", "POST", "/123456789012345/subscribed_apps", `"error_subcode":33`, 400},
		{"an unknown credit line", "POST", "/1234567890123456/whatsapp_credit_sharing_and_attach?waba_id=" + sb.Server.WABAIDs()[0],
			`"error_subcode":33`, 400},
		{"a name change of an unknown number", "POST", "/123456789012345?new_display_name=Acme", `"error_subcode":33`, 400},
		{"a node post without new_display_name", "POST", "/123456789012345", "new_display_name is required", 400},
	} {
		sep := "?"
		if strings.Contains(tc.path, "?") {
			sep = "&"
		}
		resp, body := fetch(t, tc.method, g+tc.path+sep+"access_token=x", "", "")
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: HTTP %d %s", tc.name, resp.StatusCode, body)
		}
	}
	// A name change of a known number: new_name_status appears.
	id := graphAddNumber(t, sb, sb.Server.WABAIDs()[0], "7", "7013334455", "Acme")
	if resp, body := fetch(t, "POST", g+"/"+id+"?new_display_name=Acme+Pharmacy&access_token=x", "", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("name change: HTTP %d %s", resp.StatusCode, body)
	}
	_, body := fetch(t, "GET", g+"/"+id+"?fields=new_name_status,name_status&access_token=x", "", "")
	if !strings.Contains(body, `"new_name_status":"PENDING_REVIEW"`) {
		t.Fatalf("after the name change: %s", body)
	}
}
