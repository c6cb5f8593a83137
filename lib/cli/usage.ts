// Help texts: `appstore --help` and `appstore <command> --help`.
export const MAIN_USAGE = `Usage: appstore <command> [options]

Commands:
  bundle [DIR] [-o FILE]         Build the .wave bundle of an app folder
  validate [--json] FILE         Check a .wave bundle the way the portal does
  login --url URL [--sso]        Get an API token (or sign in at the identity provider) and store it
  import FILE                    Import a .wave bundle into the portal
  env runtime-version list       List the runtime versions apps can use
  app run APP [-v V] [--wait]    Start an instance of an app (id, name or name@version)
  app list|get|update|tag|delete|download
                                 App versions: list, show, change visibility or tags, delete, download
  secret list|get|create|update|delete
                                 Secrets apps read (--from-literal KEY=VALUE, --from-file KEY=PATH)
  tag list|get|create|update|delete
                                 Tags (create, update and delete: administrators)
  instance list|get|status|logs|suspend|resume|terminate|update
                                 Your app instances
  admin alias|instance ...       Aliases and everyone's instances (administrators)

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
       appstore login --url URL --sso [--no-browser]

Asks for your email and password, gets an API token from the portal and stores it in
$APPSTORE_CONFIG or ~/.config/appstore/config.json (readable by you only).
With --sso: signs in at the portal's identity provider instead (prints an address to open and a code to
confirm there; a provider without the device grant is signed in to in this machine's browser, which comes
back to the CLI on 127.0.0.1), and stores the provider's token, renewed automatically while the provider allows.

Options:
  --url URL          The portal, e.g. https://appstore.example.com
  --email EMAIL      Your email (asked for when missing)
  --password-stdin   Read the password from stdin (needs --email)
  --sso              Single sign-on (OAuth 2.0 device authorization grant, else authorization code + PKCE)
  --no-browser       With --sso: only print the address to open, do not open a browser
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
  app: `Usage: appstore app <verb> [arguments] [options]

APP is an app version's id, or NAME (the newest version you may see), or NAME@VERSION.

Verbs:
  run APP [-v V] [--wait]          Start an instance (-v: who may open it, PRIVATE by default;
                                   --wait: until DEPLOYED (exit 0) or FAILED (exit 1))
  list [--mine] [--name NAME]      The app versions you may see (--mine: yours only)
  get APP                          ID, Title, Name, Version, Kind, Runtime Version, Owner, Visibility, ...
  update APP -v VISIBILITY         PRIVATE, ALL_USERS or PUBLIC
  tag add|remove APP TAG           Assign or remove a tag (by name or id)
  delete APP [--force]             Delete the version; one with instances lists them and asks (--force: do not ask). They keep running
  download APP [-o FILE]           Save its bundle (default: ./<Name>.<Version>.wave)

Options:
  --json                     Print the portal's JSON instead of a table (list, get, update, tag, delete, download)
  --url URL, --token TOKEN   The portal and API token (default: $APPSTORE_URL/$APPSTORE_TOKEN, then login's)
`,
  secret: `Usage: appstore secret <verb> [NAME] [options]

Verbs:
  list [-v VISIBILITY]                 The secrets you may see: NAME VISIBILITY PARENT KEYS (never values)
  get NAME                             Its visibility, owner and keys
  create NAME [-v V] [--app APP] --from-literal KEY=VALUE ... --from-file KEY=PATH ...
                                       V is PRIVATE (default), ALL_USERS or APP (administrators; --app names the app)
  update NAME [--from-literal KEY=VALUE ...] [--from-file KEY=PATH ...] [--remove KEY ...]
  delete NAME

Options:
  --scope private|shared     Which of two secrets of one NAME (default: your own PRIVATE one first)
  --json                     Print the portal's JSON
  --url URL, --token TOKEN   The portal and API token (default: $APPSTORE_URL/$APPSTORE_TOKEN, then login's)
`,
  tag: `Usage: appstore tag <verb> [TAG] [options]

Verbs:
  list                      Every tag: ID NAME TITLE KIND CATEGORY VISITOR ROLES
  get TAG                   One tag, by name or id
  create NAME --title T [--description D] [--color #rrggbb] [--category] [--admin-roles R,R] [--visitor-roles R,R]
  update TAG [--name N] [--title T] [--description D] [--color C] [--category | --no-category]
             [--admin-roles R,R] [--visitor-roles R,R]
  delete TAG                Removes it from every app
  (create, update and delete: administrators)

Options:
  --json                     Print the portal's JSON
  --url URL, --token TOKEN   The portal and API token (default: $APPSTORE_URL/$APPSTORE_TOKEN, then login's)
`,
  instance: `Usage: appstore instance <verb> [ID] [options]

Verbs:
  list [--all]             Your instances (--all: every instance, administrators)
  get ID                   ID, App, App ID, Created At, Updated At, Status, Visibility, URL, Owner, ...
  status ID                Status, start-up stage, and the reason of a failure
  logs ID [-f]             The instance's log (-f: keep following)
  suspend ID | resume ID   Pause (the volume is kept) or resume; resume also restarts a FAILED instance
  terminate ID             End it and delete its volume
  update ID -v VISIBILITY  PRIVATE, ALL_USERS or PUBLIC

Options:
  --url URL, --token TOKEN   The portal and API token (default: $APPSTORE_URL/$APPSTORE_TOKEN, then login's)
`,
  admin: `Usage: appstore admin <alias | instance | backup | restore | fsck> ... [--url URL] [--token TOKEN]

Backup and restore:
  backup [-o FILE]                                An online, consistent backup of the portal (database,
                                                  bundles, images, keys, manifest with checksums)
  restore FILE --data-dir DIR                     Restore into an empty folder, checking every checksum
  fsck [--repair]                                 Check the database and stored files (exit 1 on problems);
                                                  --repair removes only files no row references

Aliases (pretty URLs of instances):
  alias create <name> <instanceId> [True|False]   Create; True makes it the instance's primary alias
  alias assign <name> <instanceId> [True|False]   Point it at another instance (keeps primary unless told)
  alias promote <name>                            Make it its instance's primary alias
  alias unassign <name>                           Point it nowhere (it answers 404; a primary stays primary
                                                  for its next assign)
  alias list | alias get <name> | alias delete <name>

Instances:
  instance list [--app APP] [--owner NAME_OR_EMAIL] [--status STATUS]
                                                  Every instance (filtered), with its memory and CPU use
  instance suspend <instanceId> | resume <instanceId>   Pause or resume anyone's instance
  instance disable-autosuspend <instanceId>       No idle timeout for it (enable-autosuspend: back on)
  instance terminate <instanceId>
`,
};
