package assets

import "embed"

// SandboxFS holds the sandbox's web pages: sandbox/signup.html (the imitation of
// Meta's Embedded Signup pop-up), sandbox/message.html (the pages a link in its e-mails opens) and sandbox/outbox.html.
//
//go:embed sandbox
var SandboxFS embed.FS

// ContractFS holds the written contracts of the three services the wizard talks
// to: contract/partner.md, contract/graph.md, contract/ocm.md.
//
//go:embed contract
var ContractFS embed.FS
