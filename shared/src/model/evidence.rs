use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{ExifFacts, KeyedHash, SiRecord};

/// One piece of evidence. The common envelope (who, when, which rules, which blob) plus
/// the kind-specific body, flattened so the JSON / TOML reads `kind = "photo"`, etc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceItem {
    /// Client-generated id, unique within the inspection; uploads are idempotent on it.
    pub id: String,
    /// The rule ids (requirements.md) this item supports.
    #[serde(default)]
    pub rule_ids: Vec<String>,
    /// User id (or name in a rehearsal folder) of whoever captured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_by: Option<String>,
    /// Registered device that captured it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The device clock at capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_time: Option<DateTime<FixedOffset>>,
    #[serde(default)]
    pub source: CaptureSource,
    /// The item's bytes (photo, document, media, signature image), content-addressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blob: Option<BlobRef>,
    /// The file a rehearsal folder named for this item and that was not there: the item has
    /// no bytes, and every rule it names is at best missing (rehearsal-folder.md). Absent
    /// otherwise, so the digest of every other item is what it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_file: Option<String>,
    #[serde(flatten)]
    pub body: EvidenceBody,
}

impl EvidenceItem {
    /// Whether this item declares support for `rule_id`.
    pub fn supports(&self, rule_id: &str) -> bool {
        self.rule_ids.iter().any(|r| r == rule_id)
    }
}

/// How the item came to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaptureSource {
    /// Taken with the app's own camera or recorder during the visit.
    InApp,
    /// Imported from the phone's gallery or files: its EXIF is weaker proof.
    Gallery,
    /// Typed in by a person.
    #[default]
    Entered,
}

/// Reference to stored bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlobRef {
    /// Lowercase hex SHA-256 of the bytes.
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Original file name (extension kept for export).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
}

/// The evidence kinds of design.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceBody {
    Photo(Photo),
    SiScan(SiScan),
    Checklist(Checklist),
    DialTest(DialTest),
    Document(Document),
    Media(Media),
    Note(Note),
    SignOff(SignOff),
}

impl EvidenceBody {
    /// The kind's name as written in JSON (`photo`, `si_scan`, …).
    pub fn kind_name(&self) -> &'static str {
        match self {
            EvidenceBody::Photo(_) => "photo",
            EvidenceBody::SiScan(_) => "si_scan",
            EvidenceBody::Checklist(_) => "checklist",
            EvidenceBody::DialTest(_) => "dial_test",
            EvidenceBody::Document(_) => "document",
            EvidenceBody::Media(_) => "media",
            EvidenceBody::Note(_) => "note",
            EvidenceBody::SignOff(_) => "sign_off",
        }
    }
}

/// A photo; the original bytes are the blob, the EXIF values as read are kept here.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Photo {
    /// What it shows (office, machine_room, ups, lease, …): free label for the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// EXIF as read; filled when the bytes are captured or uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exif: Option<ExifFacts>,
    /// Why EXIF could not be read at all (e.g. "no EXIF block"), when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exif_error: Option<String>,
}

/// A responsible-person role (001: the insured staff include the named leads).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// 许可证负责人.
    LicenseLead,
    /// 客户负责人 (customer-service lead).
    CustomerServiceLead,
    /// 网络安全负责人.
    NetworkSecurityLead,
    /// Technical lead (5 years' telecom experience, 002).
    TechnicalLead,
    Agent,
    Other,
}

impl StaffRole {
    /// The role's name, as catalogue data (许可证负责人 …).
    pub fn message(self) -> crate::i18n::Message {
        crate::i18n::Message::new(match self {
            StaffRole::LicenseLead => "role-license-lead",
            StaffRole::CustomerServiceLead => "role-customer-service-lead",
            StaffRole::NetworkSecurityLead => "role-network-security-lead",
            StaffRole::TechnicalLead => "role-technical-lead",
            StaffRole::Agent => "role-agent",
            StaffRole::Other => "role-other",
        })
    }
}

/// Where an SI payload came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SiSource {
    /// Decoded by the core from a photo of the original certificate.
    #[default]
    Photo,
    /// Text from the phone's own QR scanner.
    ScannerText,
}

/// The rules an SI scan supports when whoever records it names none: the company pays the
/// person's insurance, for long enough, locally.
pub const SI_SCAN_DEFAULT_RULES: [&str; 3] =
    ["staff.si_count", "staff.si_months", "staff.si_local"];

/// A scanned social-insurance certificate (社会保险参保缴费证明) of one staff member.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct SiScan {
    /// The parsed, masked payload.
    #[serde(default)]
    pub record: SiRecord,
    #[serde(default)]
    pub source_kind: SiSource,
    /// Roles this person holds (entered by the inspector).
    #[serde(default)]
    pub roles: Vec<StaffRole>,
    /// Degree / title specialty (entered), e.g. 计算机科学与技术.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialty: Option<String>,
    /// Whether the specialty is computer / telecom related (entered by the inspector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specialty_related: Option<bool>,
    /// Years of telecom experience (entered), for the technical lead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telecom_experience_years: Option<Decimal>,
    /// SHA-256 of the certificate photo. The photo itself is not kept by default
    /// (requirements.md, Personal data); the digest lets a company's copy be matched later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_sha256: Option<String>,
    /// Whether the certificate photo is kept (only when the profile requires it).
    #[serde(default)]
    pub certificate_kept: bool,
}

/// Typed checklists, one per thing the inspector looks at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "checklist", rename_all = "snake_case")]
pub enum Checklist {
    /// The office: measured area.
    Office(OfficeCheck),
    Ups(UpsCheck),
    FireExtinguisher(FireExtinguisherCheck),
    AccessLog(AccessLogCheck),
    RoomOrRack(RoomOrRackCheck),
    SeatEquipment(SeatEquipmentCheck),
    SystemDemo(SystemDemoCheck),
    RecordingRetention(RecordingRetentionCheck),
    OutboundConduct(OutboundConductCheck),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OfficeCheck {
    /// Measured (or certificate) office area in m².
    pub area_m2: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct UpsCheck {
    pub present: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_kva: Option<Decimal>,
    /// Status panel shows normal operation.
    #[serde(default)]
    pub status_normal: bool,
    /// Stated backup runtime in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_minutes: Option<Decimal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FireExtinguisherCheck {
    pub present: bool,
    /// Type, e.g. 二氧化碳 / 干粉.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extinguisher_type: Option<String>,
    /// Pressure gauge needle in the green range.
    #[serde(default)]
    pub pressure_in_range: bool,
    /// Inspection tag valid until this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspection_valid_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AccessLogCheck {
    pub present: bool,
    /// paper, electronic, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_kind: Option<String>,
    /// The most recent entry seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_entry_on: Option<NaiveDate>,
}

/// Independent machine room, a rack, or hosting in a carrier data center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    OwnRoom,
    OwnRack,
    /// Hosted in a third party's machine room — a carrier's (电信/移动/联通) or any IDC
    /// (the name is the one first recorded): needs the hosting agreement and the machine
    /// room's IDC/ISP license copy (004).
    CarrierHosted,
    /// Cloud seats: the system runs in a cloud provider's region (004 Q2: 阿里云上海节点).
    /// Needs the cloud-service agreement, the region's IDC license copy, and a technical
    /// plan stating where the data lands and is backed up.
    Cloud,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoomOrRackCheck {
    pub room_kind: RoomKind,
    /// Who hosts, when hosted or in the cloud (a carrier, an IDC, a cloud provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Evidence id of the hosting agreement (cloud: the cloud-service agreement).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosting_agreement_item: Option<String>,
    /// Evidence id of the IDC/ISP license copy, when hosted or in the cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idc_license_item: Option<String>,
    /// Evidence id of the technical plan stating where the data lands and is backed up
    /// (cloud).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_plan_item: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SeatEquipmentCheck {
    /// The seat's tag (issued and signed by the server).
    pub seat_tag: String,
    #[serde(default)]
    pub phone_or_softphone: bool,
    #[serde(default)]
    pub computer: bool,
    #[serde(default)]
    pub headset: bool,
}

/// A call-center system function demonstrated on site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SystemFunction {
    /// 主叫号码甄别.
    CallerIdScreening,
    /// 用户投诉处理.
    ComplaintHandling,
    Inbound,
    Outbound,
    Recording,
    DataStorage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemDemoCheck {
    pub function: SystemFunction,
    pub demonstrated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RecordingRetentionCheck {
    /// The oldest recording the system could play back on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oldest_playable_recording_on: Option<NaiveDate>,
    /// The days the system is set to keep recordings, as shown on site (its settings
    /// screen): what a new system demonstrates before it has 30 days of calls (004).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days_configured: Option<u32>,
}

/// Operating figures of one calling number (outbound / multi-party scopes, 002).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OutboundConductCheck {
    pub calling_number: String,
    /// Highest number of calls in one day.
    pub max_calls_per_day: u32,
    /// Shortest interval between two calls, seconds.
    pub min_interval_s: Decimal,
    /// Complaint rate in percent.
    pub complaint_rate_percent: Decimal,
    /// Carrier's number health score (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_score: Option<Decimal>,
    /// User-consent proof kept.
    #[serde(default)]
    pub consent_proof_kept: bool,
}

/// A seat dials the 95/96 number live; the call is recorded and played back (004).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DialTest {
    /// The seat's tag; must be one issued for this inspection.
    pub seat_tag: String,
    pub dialed_number: String,
    /// A temporary trunk line, used when the 95/96 number is not yet assigned.
    #[serde(default)]
    pub temporary_trunk: bool,
    pub connected: bool,
    pub caller_id_shown: bool,
    pub recording_played_back: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// Evidence id of the recording played back, when captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_item: Option<String>,
}

/// A document (photo or PDF), with the typed facts a rule reads from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(flatten)]
    pub facts: DocumentFacts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "doc_kind", rename_all = "snake_case")]
pub enum DocumentFacts {
    /// 租赁合同 (or 房屋租赁登记备案证明).
    Lease {
        start: NaiveDate,
        end: NaiveDate,
        /// Registered with the housing bureau (房管局备案), required in Suzhou.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        registered_with_housing_bureau: Option<bool>,
        /// The leased premises' address, as the lease writes it: it must be the operating
        /// site (经营地址) the inspector visits.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// 房产证: the premises' owner. In the company's name it proves the company owns the
    /// site; in another's it is the landlord's certificate, which 000 and 004 require with
    /// the lease.
    PropertyCertificate {
        /// The owner (权利人) the certificate names.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        holder: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Hosting agreement (托管协议) with a third-party machine room, or the cloud-service
    /// agreement (云服务协议) for cloud seats (004).
    HostingAgreement {
        /// Who hosts: a carrier, an IDC or a cloud provider.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carrier: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<NaiveDate>,
    },
    /// The IDC/ISP license copy of the machine room or cloud region that hosts the system.
    IdcLicense,
    /// 技术方案: for cloud seats it states where the data lands and where it is backed up
    /// (004 Q2: 数据落地上海，备份在苏州).
    TechnicalPlan {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data_landing: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backup: Option<String>,
    },
    /// 公司章程: its business scope must name the license's category (004: 第二类增值电信业务).
    ArticlesOfAssociation {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        business_scope: Option<String>,
    },
    /// 营业执照.
    BusinessLicense {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        business_scope: Option<String>,
    },
    /// Declaration of no telecom violations in 3 years (company, investors, managers).
    NoViolationDeclaration {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signed_on: Option<NaiveDate>,
    },
    /// Trunk line / cloud call-center agreement with a carrier, as recorded before
    /// [`DocumentFacts::CarrierAgreement`]: read as a trunk agreement whose party A, carrier
    /// and end are not stated.
    TrunkAgreement,
    /// An agreement signed with a carrier (基础运营商): 码号接入协议, 中继线协议 (000) or
    /// 云呼叫中心合作协议 (004), whose party A (甲方) must be the company (004).
    CarrierAgreement {
        agreement: CarrierAgreementKind,
        /// 甲方, as written in the agreement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        party_a: Option<String>,
        /// The carrier that signed it (e.g. 中国电信苏州分公司).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        carrier: Option<String>,
        /// Last day in force, when the agreement has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<NaiveDate>,
    },
    /// A service agreement signed with a client (与客户签署的服务协议, 000's renewal list).
    ClientServiceAgreement {
        /// The client, as written in the agreement.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client: Option<String>,
        /// Last day in force, when the agreement has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<NaiveDate>,
    },
    /// The record of one year's annual inspection (年检记录, 000; 004: the annual report
    /// filed online and the provincial administration's check).
    AnnualInspectionRecord {
        /// The year the annual inspection took place (its report filed that January–March).
        year: i32,
        /// Passed (合格); `false`: not passed (不合格, 003).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passed: Option<bool>,
    },
    /// A query of the telecom bad-record list (通信不良名单, 000): a screenshot of the result.
    BadRecordListQuery {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checked_on: Option<NaiveDate>,
        /// Whether the company is on the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        listed: Option<bool>,
        /// Where it was checked (e.g. 电信业务市场综合管理信息系统).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        checked_in: Option<String>,
    },
    /// A management policy or plan (制度, 预案) seen on site (004, 003).
    Policy {
        /// Its name as written, e.g. 用户信息保护制度.
        name: String,
        /// Whether it is seen in practice on site (003: 管理制度落实情况), not only on paper.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seen_in_practice: Option<bool>,
    },
    /// The decision of a national security review (国家安全审查), which 002 asks of a
    /// foreign-controlled company in a pilot area.
    SecurityReview {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        passed: Option<bool>,
    },
    Other,
}

/// Which agreement with a carrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CarrierAgreementKind {
    /// 码号接入协议: the 95/96 number's access (000, renewals).
    NumberAccess,
    /// 中继线协议 (000, 004).
    Trunk,
    /// 云呼叫中心合作协议 (004: instead of a trunk agreement).
    CloudCallCenter,
}

impl CarrierAgreementKind {
    /// The name as written in a profile (`trunk`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            CarrierAgreementKind::NumberAccess => "number_access",
            CarrierAgreementKind::Trunk => "trunk",
            CarrierAgreementKind::CloudCallCenter => "cloud_call_center",
        }
    }

    /// The agreement's name, as catalogue data (中继线协议 …).
    pub fn message(self) -> crate::i18n::Message {
        crate::i18n::Message::new(match self {
            CarrierAgreementKind::NumberAccess => "agreement-number-access",
            CarrierAgreementKind::Trunk => "agreement-trunk",
            CarrierAgreementKind::CloudCallCenter => "agreement-cloud-call-center",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A call recording played back at a seat.
    Recording,
    /// Screen capture of a system demo.
    ScreenCapture,
    Video,
    Other,
}

/// Audio or video; stored as a blob, not decoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Media {
    pub media_kind: MediaKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    Inspector,
    /// The company's representative: name plus a handwritten signature image (the blob).
    CompanyRepresentative,
}

impl SignerRole {
    /// Whether this signer signs by hand on the phone, so that the sign-off carries the
    /// signature image as its blob (design.md, "sign_off"): the company's representative.
    /// The inspector signs with the device key. The phone refuses such a sign-off without
    /// the image, the server's intake too, and an official seal lists it as a problem.
    pub fn signs_by_hand(self) -> bool {
        matches!(self, SignerRole::CompanyRepresentative)
    }
}

/// Signature of the on-site record (现场核查记录) at the end of the visit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SignOff {
    pub signer_role: SignerRole,
    pub name: String,
    pub signed_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Who signed, identified as an SI record identifies a person: the ID number masked and
    /// its keyed hash, never the number. An official seal requires it of the company's
    /// representative (the name alone does not say which person signed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
}

/// A person named by their ID number, without the number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonId {
    /// First 3 and last 4 characters kept (320***********1234).
    pub id_masked: String,
    /// HMAC-SHA256 with the authority's person-hash key.
    pub id_hash: KeyedHash,
}
