// Word lists of the generated clients and documents.

/** Document types (the first words of a name). */
export const DOCUMENT_TYPES = [
  'Invoice', 'Contract', 'Purchase order', 'Delivery note', 'Bank statement', 'Tax return', 'Payslip',
  'Insurance policy', 'Meeting minutes', 'Annual report', 'Quarterly report', 'Credit note', 'Receipt',
  'Lease agreement', 'Power of attorney', 'Audit findings', 'Budget forecast', 'Board resolution',
  'Certificate of incorporation', 'Employment contract', 'Non-disclosure agreement', 'Expense claim',
  'Balance sheet', 'Profit and loss', 'VAT return', 'Shareholder letter', 'Loan agreement',
  'Customs declaration', 'Service level agreement', 'Project proposal',
];
/** Counterparties (the middle of a name). */
export const COUNTERPARTIES = [
  'Acme Logistics', 'Northwind Traders', 'Contoso', 'Globex', 'Initech', 'Umbrella Holdings', 'Stark Industries',
  'Wayne Enterprises', 'Hooli', 'Vandelay Imports', 'Kowalski', 'Nowak', 'Mueller', 'Garcia', 'Rossi', 'Dubois',
  'Andersson', 'Novak', 'Horvath', 'Jansen', 'Fabrikam', 'Tailspin Toys', 'Wide World Importers', 'Adventure Works',
  'Litware', 'Proseware', 'Lucerne Publishing', 'Coho Winery', 'Blue Yonder Airlines', 'Alpine Ski House',
  'Margie Travel', 'Trey Research', 'City Power and Light', 'Fourth Coffee', 'Woodgrove Bank', 'Bellows College',
  'Humongous Insurance', 'Southridge Video', 'Graphic Design Institute', 'Wingtip Toys',
];
/** Months of a name's period. */
export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November',
  'December',
];
/** Suffixes after a name's number (mostly none). */
export const SUFFIXES = ['', '', '', '', ' signed', ' final', ' draft', ' v2', ' v3', ' scan', ' copy', ' amended', ' rev 2'];
/** Extensions and their MIME types (mostly PDF). */
export const EXTENSIONS: readonly [string, string][] = [
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.pdf', 'application/pdf'],
  ['.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['.jpg', 'image/jpeg'],
  ['.png', 'image/png'],
  ['.eml', 'message/rfc822'],
  ['.csv', 'text/csv'],
];
/** `metadata.status` of a document. */
export const DOCUMENT_STATUSES = ['final', 'draft', 'signed', 'archived'];
/** `metadata.source` of a document. */
export const SOURCES = ['upload', 'email', 'scan', 'api'];
/** The first year of a name's period and `metadata.year`. */
export const FIRST_YEAR = 2015;
/** Years from FIRST_YEAR. */
export const YEARS = 12;

/** First words of a client's name. */
export const COMPANY_WORDS = ['Baltic', 'Nordic', 'Alpine', 'Atlantic', 'Pacific', 'Central', 'Royal', 'United', 'Golden', 'Silver'];
/** Second words of a client's name. */
export const COMPANY_KINDS = ['Foods', 'Logistics', 'Consulting', 'Pharma', 'Textiles', 'Motors', 'Energy', 'Media', 'Estates', 'Labs'];
/** `metadata.tier` of a client. */
export const TIERS = ['platinum', 'gold', 'silver', 'bronze'];
/** `metadata.region` of a client. */
export const REGIONS = ['eu-west', 'eu-central', 'eu-north', 'us-east', 'us-west', 'apac'];
/** `metadata.industry` of a client. */
export const INDUSTRIES = ['retail', 'manufacturing', 'healthcare', 'finance', 'public', 'transport', 'media', 'energy'];
/** `metadata.segment` of a client. */
export const SEGMENTS = ['sme', 'enterprise', 'public'];
