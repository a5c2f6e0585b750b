"""CSV import of organisations, sites, CONNECT contracts and technical contacts.

One UTF-8 file (a byte-order mark is accepted; commas, or semicolons when the header
has no comma), header on line 1 with exactly these 16 column names, in any order:

organisation_name      required; matches an organisation by exact name (created if new)
organisation_kind      required; distributor, oem, other_partner, direct_customer, end_customer
organisation_country   required; ISO 3166 two letters (US, GB, FR, JP, DE ...)
organisation_language  required; en or fr
partner_name           end customers only, required for them: a distributor, OEM or other
                       partner named in the file (any row) or already in the portal
site_code              the site's unique code; empty together with every site_* column
                       for a row that only describes an organisation
site_name              required with a site
site_country           required with a site; ISO two letters
site_time_zone         required with a site; IANA name such as America/Chicago
site_address           optional (quote it when it holds commas or line breaks)
contract_reference     the contract's unique reference; empty together with every
                       contract_* column for a row without a contract; needs a site
contract_holder        required with a contract: an organisation named in the file or
                       already in the portal
contract_start         required with a contract; YYYY-MM-DD, first day covered
contract_end           required with a contract; YYYY-MM-DD, last day covered (inclusive)
contact_email          optional: the organisation's designated technical contact; a new
                       person is created without a usable password (invite or reset) and
                       becomes an admin member; an existing member is flagged as contact
contact_language       optional, en or fr; defaults to organisation_language

Three more columns may be added, each optional (see imports/site_releases.py):

site_release           a release the site runs, by version (such as 2026); needs site_code
site_patch             its patch level (such as 2026.1), a patch of that release
site_seats             its number of seats, a whole number (1 when empty)

One row per (contract, site) pair: a contract covering three sites takes three rows
repeating its reference and dates. Rows about the same organisation, site, contract or
contact must agree; a contract's sites become exactly the sites of its rows.

The whole file is checked before anything is written (each value, the rows together,
then the database: unknown holder or partner, a site code of another organisation,
two contracts covering one site on a common day, a contact belonging elsewhere); any
error refuses the whole file. Rows are matched by natural key (organisation name,
site code, contract reference, contact email) and rewritten only where a value
differs, so importing the same file twice changes nothing.
"""

from contracts.services.imports.reading import COLUMNS, RowError
from contracts.services.imports.service import ImportResult, contracts_import, counts_summary

__all__ = ["COLUMNS", "ImportResult", "RowError", "contracts_import", "counts_summary"]
