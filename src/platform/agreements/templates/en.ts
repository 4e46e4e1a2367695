/** English template (an operator must adapt it; not legal advice). Placeholders {{…}} are filled from configuration. */
import type { DocumentKind } from '../agreement.ts';

const NOTICE = '[TEMPLATE] This text is a template shipped with Hegui; the operator must adapt it before publishing.';

export const EN: Record<DocumentKind, { title: string; body: string }> = {
  platform_rules: {
    title: '{{service.name}} Platform Rules',
    body: `${NOTICE}

1. Basis. These rules follow the Provisions on the Administration of Deep Synthesis of Internet Information Services,
the Measures for Labelling AI-Generated Synthetic Content and the related national standards, and apply to the
{{service.name}} service of {{operator.name}} ("the Platform").

2. Real-name verification. The Platform verifies users' real identity by mobile number, identity document number,
unified social credit code or the national network identity authentication public service. Users who have not
completed verification are not provided with publishing services.

3. Content management. The Platform reviews users' inputs and synthesised outputs by technical or manual means and
keeps a feature library for identifying illegal and harmful information. Illegal and harmful information is handled
according to law, records are kept and reports are made to the competent authorities; users concerned may be warned,
restricted, suspended or closed according to law and agreement.

4. Labels. The Platform adds implicit labels to generated content and explicit labels where the public could be
confused or misled. No one may maliciously remove, alter, forge or hide labels.

5. Complaints and appeals. Entry: {{complaints.entry}}. The Platform accepts, handles and answers within
{{complaints.deadlineDays}} working days.

6. Logs. Network logs are kept for at least {{logs.retentionMonths}} months.

7. Algorithm filing. Filing number of the deep synthesis service algorithm: {{filing.number}}.

8. Contact. {{operator.contact}}
`,
  },
  user_convention: {
    title: '{{service.name}} User Convention',
    body: `${NOTICE}

Users of {{service.name}} abide by laws and regulations, respect social morality and ethics, and undertake:
1. not to use the service to make, copy, publish or spread information prohibited by law, nor for activities that
   endanger national security and interests, harm the public interest, disturb economic and social order or infringe
   the lawful rights of others;
2. not to make, copy, publish or spread fake news;
3. before editing another person's face, voice or other biometric information, to inform that person and obtain
   their separate consent;
4. not to remove, alter, forge or hide the labels the Platform adds to generated content;
5. to declare generated content when publishing it and to use the labelling function the Platform provides;
6. to report illegal and harmful information through {{complaints.entry}}.
`,
  },
  user_agreement: {
    title: '{{service.name}} User Agreement',
    body: `${NOTICE}

1. Parties. This agreement is between {{operator.name}} ("the Platform") and users of {{service.name}}. Users read and
accept the current version before using the service; after an update, the new version must be accepted to continue.

2. Real-name verification. Users provide and verify true identity information. ID document numbers and mobile
numbers are stored encrypted, shown masked and used only for verification and handling required by law.

3. Duties. Users abide by the Platform Rules and the User Convention and do not use the service for activities
prohibited by law.

4. Labelling methods and styles (Measures for Labelling AI-Generated Synthetic Content, Art. 8)
(a) Implicit labels: the Platform writes an implicit label into the metadata of generated files as GB 45438-2025
    Appendix E specifies — the content attribute ("Label": is, may be, or is suspected to be AI-generated), the
    provider's name or code ("ContentProducer"), the content's production ID ("ProduceID") and further fields — and may
    add a digital signature and a watermark.
(b) Explicit labels:
    - text: a prompt such as "AI-generated" (人工智能生成) or a common symbol at the beginning, end or a suitable
      place in the middle;
    - audio: a voice prompt or an audio rhythm prompt at the beginning, end or a suitable place in the middle;
    - images: a prominent text prompt at a suitable position;
    - video: a prominent text prompt on the opening frames and around the playing area, optionally also at the end
      and in the middle;
    - virtual scenes: a prominent prompt on the opening view, optionally during the service;
    - other scenes: explicit labels with a clear prompting effect suited to the application.
    Content that users download, copy or export carries the required explicit label.
(c) A user who asks for generated content without an explicit label accepts the labelling duties and responsibility
    for its use set out here; the Platform keeps logs including the recipient's information for at least
    {{logs.retentionMonths}} months.
(d) Users do not maliciously remove, alter, forge or hide these labels, nor provide tools or services for others to do
    so; when publishing generated content on a content platform, users declare it and use the platform's labelling
    function.

5. Breaches. Where users break the law or this agreement, the Platform may warn, restrict functions, suspend the
service or close the account, keeps records and reports to the competent authorities.

6. Complaints and appeals. Through {{complaints.entry}}; answered within {{complaints.deadlineDays}} working days.

7. Contact. {{operator.contact}}
`,
  },
};
