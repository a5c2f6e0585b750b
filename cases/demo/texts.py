"""What the demo cases say: CAD/CAM incidents and the staff's and customers' messages about them.

Demo data only (cases.demo); written as a support desk of a CAM product would see it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """One kind of incident, with what the customer writes and what support answers."""

    title: str
    description: str
    environment: str
    steps: str
    impact: str
    priority: str  # what the customer usually proposes (SLP-4)
    ask: str  # what support asks for when it needs more information
    answer: str  # the information the customer then gives
    note: str  # an internal note of the engineer working it
    fix: str  # the resolution, as the customer reads it
    attachment: tuple[str, str] = ("", "")  # (file name, content) the customer may attach


TOPICS: tuple[Topic, ...] = (
    Topic(
        "Post-processor output stops at line 200",
        "Posting any toolpath for our Haas VF-2 stops after 200 lines of G-code. The post "
        "log shows no error; the file is simply cut short.",
        "Windows 11 Pro 23H2, CONNECT CAM, Haas VF-2 with the standard Haas post",
        "1. Open any part with a 3D adaptive roughing toolpath.\n2. Post with the Haas VF-2 "
        "post.\n3. Open the .nc file: it ends at N200.",
        "Two machines idle while we hand-edit programs.",
        "P2",
        "Please send the post-processor log and the .nc file, and tell us whether the post "
        "was edited locally.",
        "Log and .nc attached. The post is the stock one, not edited.",
        "Reproduced with the stock post: the block-count limit of the demo licence is applied "
        "after the licence refresh. Licence server returns the wrong feature flag.",
        "The licence feature flag is corrected on our licence server; posting is no longer "
        "limited. Please refresh the licence (Help > Licence > Refresh) and post again.",
        ("haas-vf2-post.log", "POST START haas_vf2.cps\nN10 G90 G17 G40\n...\nN200 G01 X12.5\n"),
    ),
    Topic(
        "Licence server not reachable after Windows update",
        "Since last night's Windows update, no workstation can check out a licence: "
        "'Cannot contact licence server (error 1503)'.",
        "Licence server on Windows Server 2022, 14 seats, clients on Windows 11",
        "1. Start CONNECT CAM on any client.\n2. Error 1503 at start-up.",
        "All programmers blocked: nobody can start the software.",
        "P1",
        "Please run 'connect-lic diag' on the server and send us the output, and check "
        "whether port 27000 is open in the firewall.",
        "The diag output is attached; the firewall rule for port 27000 was reset by the update.",
        "Windows update reset the inbound rule. Walked the customer through re-creating it.",
        "The Windows update had removed the firewall rule for the licence service. With the "
        "inbound rule for TCP 27000 re-created, every client checks out its licence again.",
        ("connect-lic-diag.txt", "connect-lic diag\nservice: running\nport 27000: BLOCKED\n"),
    ),
    Topic(
        "Simulation shows false collisions with the tool holder",
        "Machine simulation reports holder collisions on toolpaths that run fine on the "
        "machine. The holder is drawn 5 mm lower than it really is.",
        "CONNECT CAM simulation, BT40 holders from our tool library",
        "1. Simulate operation 3 of the attached part.\n2. Collision reported at line 1450.",
        "Programmers cannot trust the simulation; every program is proved out by hand.",
        "P3",
        "Could you export the tool library entry of the holder (Tool library > Export) so we "
        "can check the gauge length?",
        "Exported holder definition attached.",
        "Gauge length read in inches from a metric library file; unit conversion bug in the "
        "library import.",
        "The holder gauge length was read in the wrong unit when the library was imported. "
        "Re-import the library with patch 2026.2 or set the unit to mm on the holder.",
        ("bt40-holder.json", '{"holder": "BT40-ER32-70", "gauge_length": 70, "unit": "in"}'),
    ),
    Topic(
        "5-axis swarf toolpath gouges the floor",
        "The swarf finishing toolpath on the impeller blades gouges the hub by about 0.2 mm "
        "near the leading edge.",
        "CONNECT CAM 5-axis module, DMG MORI DMU 50, Heidenhain TNC 640",
        "1. Open impeller.cam.\n2. Generate 'Swarf blade 1'.\n3. Compare with the stock model.",
        "Scrapped two impellers; the customer order is late.",
        "P2",
        "Please send the part file and the tolerance settings of the swarf operation.",
        "Part file shared through our transfer link; tolerance is 0.01 mm.",
        "Tilt smoothing ignores the floor check when the lead angle is below 2 degrees.",
        "Tilt smoothing skipped the floor check at small lead angles. A corrected toolpath "
        "engine ships in patch 2026.2; until then set the lead angle to 2 degrees or more.",
    ),
    Topic(
        "Machine definition for Mazak Integrex missing B-axis limits",
        "The Mazak Integrex i-200 machine definition lets the B axis go to 120 degrees; the "
        "machine stops at 110 and alarms.",
        "Mazak Integrex i-200S, Mazatrol SmoothX, machine definition from the library",
        "1. Simulate a turn-mill program that tilts B to 115 degrees.\n2. No warning shown.",
        "Alarms on the machine; operators must check every program.",
        "P3",
        "Which version of the machine definition do you use (Machine > Properties > Version)?",
        "Version 3.1 from the online library.",
        "Library definition 3.1 has the wrong travel limit; 3.2 is correct.",
        "The B-axis limit in machine definition 3.1 was wrong. Version 3.2 of the definition "
        "is published in the library; update it from Machine > Library > Update.",
    ),
    Topic(
        "G-code arcs output as lines with Fanuc post",
        "With the Fanuc 0i post, every arc is written as hundreds of G01 moves instead of G02/G03.",
        "Fanuc 0i-MF, CONNECT CAM stock Fanuc post",
        "1. Post a 2D contour with arcs.\n2. No G02/G03 in the output.",
        "Programs are ten times longer and the machine memory is full.",
        "P3",
        "Please check Post > Properties > 'Allow circular moves' and send a screenshot.",
        "Screenshot attached: the option is ticked.",
        "Arc output suppressed when the plane is set by the work offset; post variable issue.",
        "The post did not output arcs when the plane came from the work offset. Use the post "
        "from patch 2026.2 or set 'Output plane' to XY in the post properties.",
    ),
    Topic(
        "Crash when opening large STEP assembly",
        "CONNECT CAM closes without a message when we open a 450 MB STEP assembly of a mould.",
        "Windows 11, 64 GB RAM, NVIDIA RTX A4000, driver 551.61",
        "1. File > Open > mould_assembly.step.\n2. Progress reaches 80 %, then the program closes.",
        "Mould programming is blocked for this job.",
        "P2",
        "Please send the crash dump from %LOCALAPPDATA%\\ConnectCAM\\Crashes.",
        "Crash dump attached.",
        "Out-of-memory in the STEP tessellator with the fine quality setting.",
        "The STEP import ran out of memory at the fine tessellation setting. Import with "
        "'standard' quality, or apply patch 2026.3 which tessellates large bodies in parts.",
    ),
    Topic(
        "How to set up a new tool library for the shop",
        "We would like to share one tool library between six programmers. What is the "
        "recommended way?",
        "Six workstations, shared network drive",
        "",
        "No immediate impact.",
        "P4",
        "Do all programmers have write access to the network folder?",
        "Yes, all of them.",
        "Standard how-to; pointed to the shared library article.",
        "Put the library on the network drive and point every workstation to it under "
        "Preferences > Libraries; see knowledge-base article KB-1042 for locking rules.",
    ),
    Topic(
        "Licence shows 'expired' although the contract is active",
        "The licence dialog says our maintenance expired on the 31st, but our CONNECT "
        "contract was renewed.",
        "Node-locked licence, Windows 10",
        "1. Help > Licence.\n2. Maintenance end date is last month.",
        "No impact yet; updates cannot be installed.",
        "P4",
        "Please send the licence ID shown in Help > Licence.",
        "Licence ID is CC-7731-A.",
        "Renewal not pushed to the licence file; regenerated it.",
        "The renewed maintenance date was not in your licence file. A new file is issued; "
        "refresh the licence from Help > Licence > Refresh.",
    ),
    Topic(
        "Feed rates doubled in posted program",
        "All feed rates in the posted program are twice the values set in the operation.",
        "Okuma Genos M560-V, OSP-P300 post",
        "1. Set feed 1000 mm/min.\n2. Post.\n3. Program shows F2000.",
        "Crashed a tool on the first part; machine checked.",
        "P1",
        "Please send the post file you use and the machine's units setting.",
        "Post attached; machine is metric.",
        "Post multiplies by the inch factor when the template is metric: post configuration bug.",
        "The post applied the inch conversion to a metric template. The corrected Okuma post "
        "is sent; replace the old one and re-post.",
    ),
    Topic(
        "Stock model not updated between operations",
        "Rest machining ignores material already removed by the previous operation.",
        "CONNECT CAM 3-axis, large mould cavity",
        "1. Roughing with 20 mm tool.\n2. Rest roughing with 8 mm tool still cuts air everywhere.",
        "Cycle times 40 % longer.",
        "P3",
        "Is 'Use stock from previous operation' enabled on the rest operation?",
        "It is enabled.",
        "Stock cache invalidated when the setup is copied; known issue.",
        "The stock model was lost when the setup was copied. Regenerate the stock (right "
        "click > Regenerate stock); a fix is planned for the next release.",
    ),
    Topic(
        "Drilling cycle output G81 instead of G83",
        "Peck drilling operations are posted as G81 without pecking.",
        "Siemens 840D sl post",
        "1. Create a peck drilling operation, peck 3 mm.\n2. Post: G81 cycle.",
        "Broken drills on deep holes.",
        "P2",
        "Please send the operation parameters screenshot and the posted program.",
        "Both attached.",
        "Cycle mapping table in the 840D post lacks the peck entry.",
        "The Siemens post mapped peck drilling to the plain cycle. The corrected post is "
        "attached to this case; it outputs CYCLE83.",
    ),
    Topic(
        "Slow toolpath generation on new workstation",
        "Toolpaths take three times longer on our new workstation than on the old one.",
        "AMD Threadripper 7960X, Windows 11, 128 GB RAM",
        "1. Generate the attached benchmark part.\n2. 9 minutes instead of 3.",
        "Programmers wait; moderate impact.",
        "P3",
        "Please check the number of threads set in Preferences > Performance.",
        "It is set to 1.",
        "Thread count preference defaulted to 1 by the installer on this CPU.",
        "The installer set the thread count to 1 on this processor. Set it to 'automatic' in "
        "Preferences > Performance; generation time is back to normal.",
    ),
    Topic(
        "Cannot select edges on imported Parasolid part",
        "Edges of an imported Parasolid part cannot be selected for a contour operation.",
        "Parasolid v35 file from the design office",
        "1. Import part.x_t.\n2. Try to pick an edge: nothing highlights.",
        "Workaround by sketching curves; slow.",
        "P3",
        "Could you send the Parasolid file?",
        "File attached.",
        "Faces imported as a mesh because of a healing error.",
        "The part came in as a mesh after a healing error. Import with 'Heal on import' off; "
        "the edges are selectable again.",
    ),
    Topic(
        "Translation missing in French user interface",
        "Some menus are shown in English in the French interface.",
        "Windows 11, French language pack",
        "",
        "Cosmetic.",
        "P4",
        "Which menus are affected?",
        "The Simulation menu and the post dialog.",
        "Missing strings in the fr catalogue.",
        "The missing French strings are added in patch 2026.2.",
    ),
    Topic(
        "Tool change position wrong on Haas UMC-750",
        "Before each tool change the post moves to Z0 instead of the machine home.",
        "Haas UMC-750, Haas NGC post",
        "1. Post a program with two tools.\n2. G00 Z0 before M06.",
        "Risk of collision; operators edit each program.",
        "P2",
        "Please send the posted program and the post's 'retract' settings.",
        "Attached.",
        "Retract mode 'clearance' selected in the machine definition instead of 'home'.",
        "The machine definition retracted to the clearance plane. Set the tool-change retract "
        "to 'G28 home' in Machine > Properties; the corrected definition is in the library.",
    ),
)

# Cases of the French distributor's sites, written in French.
TOPICS_FR: tuple[Topic, ...] = (
    Topic(
        "Le post-processeur Heidenhain n'écrit pas les cycles de perçage",
        "Les opérations de perçage sont sorties en mouvements linéaires au lieu de CYCL DEF 200.",
        "Heidenhain TNC 640, post standard",
        "1. Créer un perçage.\n2. Post-processer : pas de CYCL DEF.",
        "Programmes à retoucher à la main sur deux machines.",
        "P2",
        "Pouvez-vous nous envoyer le programme post-processé et la version du post ?",
        "Programme et post joints.",
        "Table des cycles du post TNC 640 incomplète.",
        "Le post corrigé est joint au dossier : il sort CYCL DEF 200 et 203.",
    ),
    Topic(
        "Serveur de licences injoignable depuis le site de Lyon",
        "Les postes de Lyon n'obtiennent plus de licence depuis ce matin (erreur 1503).",
        "Serveur de licences à Paris, VPN entre les sites",
        "1. Lancer CONNECT CAM à Lyon.\n2. Erreur 1503.",
        "Toute la programmation de Lyon est arrêtée.",
        "P1",
        "Merci d'exécuter 'connect-lic diag' depuis un poste de Lyon et de nous envoyer le résultat.",
        "Résultat joint : le port 27000 est filtré par le VPN.",
        "Règle VPN modifiée par l'informatique du client.",
        "Le VPN filtrait le port 27000. Une fois la règle rétablie, les licences sont de nouveau "
        "délivrées à Lyon.",
    ),
    Topic(
        "La simulation ne montre pas le brut du deuxième posage",
        "Au deuxième posage, la simulation repart du brut initial au lieu du brut usiné.",
        "CONNECT CAM, deux posages sur DMG MORI CMX 600",
        "1. Simuler le posage 2.\n2. Le brut est complet.",
        "Gênant, mais le travail continue.",
        "P3",
        "Le brut du posage 2 est-il réglé sur « brut du posage précédent » ?",
        "Oui.",
        "Transfert de brut perdu après renommage du posage.",
        "Le renommage du posage cassait le lien vers le brut précédent. Recréez le lien ; une "
        "correction est prévue dans le correctif 2026.3.",
    ),
    Topic(
        "Question sur la mise à jour vers la version 2027",
        "Pouvons-nous installer 2027 à côté de 2026 sur le même poste ?",
        "Windows 11",
        "",
        "Aucun impact immédiat.",
        "P4",
        "Utilisez-vous une licence flottante ou nominative ?",
        "Flottante.",
        "Question standard d'installation.",
        "Oui : les deux versions s'installent côte à côte et partagent la licence flottante.",
    ),
)

# Requests that are not support (SLP-16), recorded as withdrawn with the reason.
OUT_OF_SCOPE: tuple[tuple[str, str, str, str], ...] = (
    (
        "training",
        "Training for two new programmers",
        "We hired two programmers and would like a week of training on 5-axis programming.",
        "Training is not covered by CONNECT support (SLP-16). Your sales representative can "
        "arrange a training course.",
    ),
    (
        "professional_services",
        "Custom post-processor for our Willemin-Macodel",
        "We need a post-processor for a Willemin-Macodel 408MT with our own macros.",
        "Post-processor development is professional services work, not support (SLP-16). "
        "Your sales representative will put you in touch with professional services.",
    ),
    (
        "professional_services",
        "SDK: add-in to export setup sheets to our ERP",
        "We want to write an add-in with the SDK that sends setup sheets to our ERP.",
        "SDK development is handled by professional services (SLP-16), not by support.",
    ),
    (
        "hardware",
        "Workstation freezes when rotating the model",
        "The screen freezes when rotating large parts; the GPU fan is very loud.",
        "The graphics card overheats (hardware fault), which is outside CONNECT support "
        "(SLP-16). Please have the workstation checked by its supplier.",
    ),
    (
        "obsolete_environment",
        "Install fails on Windows 7",
        "The installer refuses to run on our Windows 7 workstation.",
        "Windows 7 is not in the system requirements (SLP-16). Please move to Windows 10 or 11.",
    ),
    (
        "modified",
        "Post crashes after our local changes",
        "We edited the post to add tool life management and now it crashes.",
        "The post was modified locally, which CONNECT support does not cover (SLP-16). "
        "Reinstall the stock post; professional services can add tool life management.",
    ),
)

ESCALATION_REASONS: tuple[str, ...] = (
    "The machines are still down and we have had no update since yesterday.",
    "Our customer's delivery is at risk; we need a firm date for the fix.",
    "The workaround does not work on our second machine; please involve a senior engineer.",
    "This is the third time this problem comes back; we need management attention.",
)

REOPEN_REASONS: tuple[str, ...] = (
    "The problem is back after restarting the workstation.",
    "The fix works on one machine but not on the second one.",
    "The new post still outputs the old values on long programs.",
)

FIRST_REPLIES: tuple[str, ...] = (
    "Thank you for the details. We are looking into it and will update you shortly.",
    "We have reproduced the behaviour on our side and are analysing it.",
    "Thanks, an engineer is assigned and is reviewing your files now.",
)

UPDATES: tuple[str, ...] = (
    "Status update: the analysis is progressing; we expect a workaround by tomorrow.",
    "Status update: development is reviewing the engine log we captured.",
    "Status update: we are testing a corrected version on the same machine setup.",
)

DEFECT_PLAN = (
    "The fix is scheduled for the next patch of your release; we will tell you when it is "
    "available. Until then, the workaround above avoids the problem."
)
