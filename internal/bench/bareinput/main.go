// Command bareinput is the yardstick of the wizard's start-up: a bare huh v2
// Input and nothing else, built from the wizard's module so that it uses the
// same library versions. BENCHMARKS.md ("Start-up and errors") compares the
// time to the first frame of the wizard with this program's.
package main

import (
	"fmt"
	"os"

	"charm.land/huh/v2"
)

func main() {
	var name string
	err := huh.NewInput().Title("What is your name?").Value(&name).Run()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(name)
}
