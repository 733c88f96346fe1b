package main

// The exit status of every command: one table, shown in `wizard --help`, in
// `wizard man` and in README.md ("Exit status"). TestExitCodes runs the
// built binary into each one.
const (
	codeOK          = 0   // done, or saved to carry on later
	codeError       = 1   // something failed or was refused: the message says what to do
	codeUsage       = 2   // the command line is wrong: nothing was done
	codeInterrupted = 130 // stopped by ctrl+c (or SIGINT) before it had done what it was asked
)

// exitCodes are the codes and the catalog keys of what they mean, in order.
var exitCodes = []struct {
	code int
	key  string
}{
	{codeOK, "help.exit.ok"},
	{codeError, "help.exit.error"},
	{codeUsage, "help.exit.usage"},
	{codeInterrupted, "help.exit.interrupted"},
}
