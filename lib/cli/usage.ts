// Help texts: `appstore --help` and `appstore <command> --help`.
export const MAIN_USAGE = `Usage: appstore <command> [options]

Commands:
  bundle [DIR] [-o FILE]         Build the .wave bundle of an app folder
  validate [--json] FILE         Check a .wave bundle the way the portal does
  login --url URL                Get an API token and store it
  import FILE                    Import a .wave bundle into the portal
  env runtime-version list       List the runtime versions apps can use

Run \`appstore <command> --help\` for a command's options.
`;

export const COMMAND_USAGE: Record<string, string> = {
  bundle: `Usage: appstore bundle [DIR] [-o FILE]

Builds the .wave bundle (a zip) of the app folder DIR (default: the current directory).
The folder's app.toml must validate. Files matched by DIR/.appignore (gitignore syntax) are left
out, and so are .git/, earlier *.wave bundles and symbolic links.

Options:
  -o, --output FILE   Where to write the bundle (default: ./<Name>.<Version>.wave)
`,
  validate: `Usage: appstore validate [--json] FILE

Checks a .wave bundle with the same rules as the portal. Exits 0 when it is valid, 1 when not.

Options:
  --json   Print one JSON object {ok, manifest, errors, warnings} on stdout, whatever happens
`,
  login: `Usage: appstore login --url URL [--email EMAIL] [--password-stdin]

Asks for your email and password, gets an API token from the portal and stores it in
$APPSTORE_CONFIG or ~/.config/appstore/config.json (readable by you only).

Options:
  --url URL          The portal, e.g. https://appstore.example.com
  --email EMAIL      Your email (asked for when missing)
  --password-stdin   Read the password from stdin (needs --email)
`,
  import: `Usage: appstore import FILE [--visibility VISIBILITY] [--url URL] [--token TOKEN] [--json]

Uploads a .wave bundle to the portal, which imports it as a new app version.

Options:
  --visibility V   PRIVATE, ALL_USERS or PUBLIC (default: the portal's)
  --url URL        The portal (default: $APPSTORE_URL, then the one you logged in to)
  --token TOKEN    API token (default: $APPSTORE_TOKEN, then the stored one)
  --json           Print the portal's answer as it came
`,
  env: `Usage: appstore env runtime-version list [--url URL]

Lists the runtime versions an app's Runtime.RuntimeVersion can name.

Options:
  --url URL   The portal (default: $APPSTORE_URL, then the one you logged in to)
`,
};
