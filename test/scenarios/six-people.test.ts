import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/databases';
import { hours, mailboxes, type Practitioner, type Sent, type Story, startStory } from './practice';

/**
 * Issue 15's story, as the practice would read it, told by six invented people on each surface
 * (the terminal, a Slack DM, a Teams personal chat), on SQLite and on PostgreSQL:
 *
 *   1. Dana, a school's designated safeguarding lead, passes on intelligence about Jayden;
 *   2. Rory, a residential worker, reports Jayden (in care, missing twice before) missing;
 *   3. two days later Rory records his return, and Mira, the MET coordinator, assigns Sam, a
 *      Barnardo's worker independent of the home, to do the return interview;
 *   4. Sam is reminded at 48 hours and records the interview before 72;
 *   5. Hana, a health visitor, does a trafficking check on Amara, a young mother she visits;
 *   6. Mira asks the MET group's questions, reads the month's figures and makes the decisions.
 *
 * No duty place is set up when the story starts: the first alerts stay open where duty officers
 * look until Dee, the admin, sets one up (a Slack channel, or a Teams channel; the terminal has
 * no channel, so its partnership's is a Slack channel); then each is posted there once. Each
 * surface has its own bot and database, so the story starts the same way on each. The clock is
 * the bot's own, and passes only when the story says.
 */
const surfaces = ['terminal', 'slack', 'teams'] as const;

describe.each(providers)('six people, one child, on %s', (provider) => {
  describe.each(surfaces)('%s', (surface) => {
    let story: Story;
    let dana: Practitioner; // a school's designated safeguarding lead
    let rory: Practitioner; // a residential worker at the children's home
    let mira: Practitioner; // the MET coordinator
    let sam: Practitioner; // a Barnardo's worker, independent of the home
    let hana: Practitioner; // a health visitor
    let dee: Practitioner; // the partnership's admin
    let duncan: Practitioner; // the police public-protection desk's duty officer
    const jayden = 'Jayden Testchild';
    const sent = {} as Record<'intelligence' | 'missing' | 'return' | 'interview' | 'trafficking', Sent>;
    const db = () => story.whole.bot.database.db;
    const alertsAbout = (reference: string) =>
      db().alert.findMany({ where: { reference }, orderBy: { rule: 'asc' } });
    /** How each surface types a mention: Slack's <@U…>, an @id elsewhere. */
    const mention = (who: Practitioner) =>
      surface === 'slack' ? `<@${who.person.id}>` : `@${who.person.id}`;

    beforeAll(async () => {
      // Monday 2 November 2026, 08:30 in London (GMT, so the same in UTC).
      story = await startStory(provider, surface, '2026-11-02T08:30:00Z');
      dana = await story.person('dana', 'Dana Testlead', 'practitioner', 'Example Academy');
      rory = await story.person('rory', 'Rory Testworker', 'practitioner', "Example Road Children's Home");
      mira = await story.person('mira', 'Mira Testcoord', 'met-member', 'Example Council');
      sam = await story.person('sam', 'Sam Testinterviewer', 'practitioner', "Barnardo's");
      hana = await story.person('hana', 'Hana Testvisitor', 'practitioner', 'Example NHS Trust');
      dee = await story.person('dee', 'Dee Testadmin', 'admin', 'Example Partnership');
      duncan = await story.person('duncan', 'Duncan Testduty', 'duty-officer', 'Example Constabulary');
    }, 120_000);
    afterAll(async () => {
      await story?.stop();
    });

    it('1. the school DSL passes on what she saw; it reaches the police gateway once', async () => {
      await story.clock.at('2026-11-02T09:15:00Z');
      sent.intelligence = await dana.says('intelligence', {
        immediateDanger: 'no',
        'child.name': jayden,
        'child.dateOfBirth': '14/03/2012',
        'child.school': 'Example Academy, Year 9',
        whatHappened:
          'Seen getting into a grey car with two older men after school. He has a new phone and trainers he cannot explain.',
        where: 'Outside Example Academy, Example Lane',
        whenHappened: 'Friday 30 October after school',
        howKnown: 'I saw or heard it myself',
        sourceEvaluation: 'reliable',
      });
      expect(sent.intelligence.reference).toMatch(/^INT-2026-\d{6}$/);
      expect(sent.intelligence.said).toContain("queued for the police intelligence team's gateway");
      // MET Strategy: "Completed FIB1s should be emailed to: fib.gateway@…".
      expect(story.mailsAbout(sent.intelligence.reference)).toEqual([
        { to: [mailboxes.police], subject: expect.stringContaining('(Example Academy)') },
      ]);
      // Nothing in it calls for a duty officer now.
      expect(await alertsAbout(sent.intelligence.reference)).toEqual([]);
    });

    it('2. the residential worker reports him missing from care, the third time in 90 days; nobody can be alerted yet, and he is told so', async () => {
      await story.clock.at('2026-11-04T22:00:00Z');
      sent.missing = await rory.says('missing', {
        'child.name': jayden,
        'child.inCare': 'yes',
        missingFrom: 'Residential care',
        'lastSeen.at': 'today 21:30',
        'lastSeen.where': 'Outside the home on Example Road',
        description: 'Tall, black puffer jacket, white trainers',
        policeTold: 'yes',
        timesBefore: '2', // "Not counting this time"
      });
      expect(sent.missing.reference).toMatch(/^MIS-2026-\d{6}$/);
      expect(sent.missing.said).toContain('this child has now gone missing 3 times in the last 90 days');
      // The reporter is told the duty team is alerted only when that is true.
      expect(sent.missing.said).toContain('No duty team can be reached yet');
      expect(sent.missing.said).not.toContain('The duty team will be alerted');
      // GATEWAY_SEND_MISSING: the notification goes to the police gateway too, once.
      expect(story.mailsAbout(sent.missing.reference)).toEqual([
        { to: [mailboxes.police], subject: expect.stringContaining("Example Road Children's Home") },
      ]);

      const alerts = await alertsAbout(sent.missing.reference);
      expect(alerts.map((a) => a.rule)).toEqual(['missing-high-risk', 'repeat-missing']);
      // Not marked delivered: it reached nobody, and stays open where duty officers look.
      for (const alert of alerts) expect(JSON.parse(alert.posts)).toEqual([]);
      const open = await duncan.asks('alerts');
      expect(open).toContain(`${sent.missing.reference} · Missing child at high risk`);
      expect(open).toContain(`${sent.missing.reference} · Child missing repeatedly`);
      expect(open).toContain('Reached: nobody yet');
      expect(open).toContain('Child: J.T.');
      // And on the dashboard's Alerts page, for a MET member signed in there.
      const cookie = await story.whole.signIn();
      const page = await (
        await fetch(`${story.whole.base}/dashboard/alerts`, { headers: { cookie } })
      ).text();
      expect(page).toContain(sent.missing.reference);
      expect(page).toContain('Nobody yet');
      expect(page).not.toContain(jayden);
    });

    it('the next morning the admin sets up a duty place: each open alert is posted there once', async () => {
      // The escalation timers (2 and 4 hours) have passed: on Slack and Teams the MET coordinator
      // was told in her direct chat; on the terminal nobody could be, and the alerts stayed open.
      await story.clock.at('2026-11-05T08:00:00Z');
      expect(await dee.inChannel('setup duty here')).toContain('This channel will now get the duty alerts');
      await story.delivered();
      expect(story.dutyPostsAbout(sent.missing.reference)).toBe(2);
      for (const alert of await alertsAbout(sent.missing.reference)) {
        const posts = JSON.parse(alert.posts) as { key: string }[];
        expect(posts.filter((post) => post.key.startsWith(surface === 'teams' ? '19:' : 'C'))).toHaveLength(
          1,
        );
        // On Slack the MET coordinator was told in a direct message when nobody acknowledged it.
        // On Teams she had not spoken to the bot yet, so nobody could be; nor on the terminal.
        expect(posts).toHaveLength(surface === 'slack' ? 2 : 1);
      }
      // Setting it up again, or the scheduler running on, posts nothing twice.
      await dee.inChannel('setup duty here');
      await story.clock.passes(hours(1));
      expect(story.dutyPostsAbout(sent.missing.reference)).toBe(2);

      expect(await duncan.asks(`ack ${sent.missing.reference}`)).toContain(
        `${sent.missing.reference} is acknowledged`,
      );
      await story.delivered();
      expect(await duncan.asks('alerts')).toContain('No alert is waiting to be acknowledged.');
    });

    it('3. two days later he is back; the coordinator assigns an independent interviewer', async () => {
      await story.clock.at('2026-11-06T22:00:00Z');
      sent.return = await rory.says('return', {
        episode: '1',
        returnedAt: 'today 21:00',
        whereFound: 'Walked back to the home',
        foundBy: 'they came back',
        safeAndWellCheck: 'not yet',
        carerName: 'Rory Testworker',
      });
      expect(sent.return.reference).toMatch(/^RET-2026-\d{6}$/);
      // "within 72 hours of the child returning to their home or care setting - the child is
      // offered a return interview" (MET Strategy).
      expect(sent.return.said).toContain('by Mon 9 Nov 2026, 21:00');
      expect(story.mailsAbout(sent.return.reference)).toEqual([
        expect.objectContaining({ to: [mailboxes.police] }),
      ]);

      // "completed by a worker independent of the care arrangements (… not the foster carer or
      // residential worker)" (MET Strategy).
      expect(await mira.asks(`assign ${sent.missing.reference} ${mention(rory)}`)).toContain(
        'must be done by someone independent of where the child lives',
      );
      expect(await mira.asks(`assign ${sent.missing.reference} ${mention(sam)}`)).toContain(
        `Sam Testinterviewer will do the return interview for ${sent.missing.reference}`,
      );
      // The interview is Sam's to do, without a wider role.
      const mine = await sam.asks('due');
      expect(mine).toContain('Return interviews you are doing');
      expect(mine).toContain(`J.T. · ${sent.missing.reference}`);
      expect(mine).toContain(`Name: ${jayden}`);
      expect(mine).toContain('Due: Mon 9 Nov 2026, 21:00 (2 days left)');
    });

    it('4. 48 hours after the return the interviewer is reminded; she records the interview before 72', async () => {
      // He came back at 21:00 on Friday and the return was recorded at 22:00.
      await story.clock.passes(hours(46)); // Sunday 20:00: 47 hours after the return
      expect(await db().alert.count({ where: { rule: 'interview-due-soon' } })).toBe(0);
      await story.clock.passes(hours(1)); // Sunday 21:00: 48 hours after the return
      const reminder = await db().alert.findFirstOrThrow({ where: { rule: 'interview-due-soon' } });
      expect(reminder).toMatchObject({
        reference: sent.missing.reference,
        audience: 'interviewer',
        subjectUserId: sam.actor.id,
      });
      if (surface === 'terminal') {
        // The terminal cannot speak first: the reminder stays open (in `alerts`), and Sam sees
        // the deadline in her own part of `due`.
        expect(JSON.parse(reminder.posts)).toEqual([]);
        expect(await sam.asks('due')).toContain('Due: Mon 9 Nov 2026, 21:00 (24 hours left)');
      } else {
        // In her own direct chat, once; never in the duty channel.
        expect(
          story.directPostsTo(sam.person, sent.missing.reference, 'Return interview due within 24 hours'),
        ).toBe(1);
        expect(JSON.parse(reminder.posts)).toHaveLength(1);
      }

      await story.clock.at('2026-11-09T12:00:00Z');
      sent.interview = await sam.says('return interview', {
        episode: '1',
        offeredAt: 'today 10:00',
        offeredHow: 'in person',
        outcome: 'yes',
        completedAt: 'today 10:30',
        whereTheyWere: 'At a flat on Example Street, got there by train',
        whoWith: 'Older boys he calls the Example Crew',
        harm: 'He was told to hold packages for them',
        childViews: 'He wants to stay at the home and see his sister more',
      });
      expect(sent.interview.reference).toMatch(/^RI-2026-\d{6}$/);
      // The next steps are offered: a CCE check, and the places and people as intelligence.
      expect(sent.interview.said).toContain('check cce');
      expect(sent.interview.said).toContain('send them as intelligence');
      // The partnership's own record: to the MET coordinator and the case file, not the police.
      expect(
        story
          .mailsAbout(sent.interview.reference)
          .map((mail) => mail.to)
          .sort(),
      ).toEqual([[mailboxes.caseFile], [mailboxes.coordinator]]);

      await story.clock.at('2026-11-09T21:00:00Z'); // 72 hours after the return
      expect(await db().alert.count({ where: { rule: 'interview-overdue' } })).toBe(0);
      const episode = await db().missingEpisode.findFirstOrThrow({ where: { interviewerId: sam.actor.id } });
      expect(episode).toMatchObject({ interviewOutcome: 'completed' });
      expect(await db().timer.count({ where: { subjectId: episode.id, status: 'pending' } })).toBe(0);
    });

    it('5. a health visitor checks a young mother for trafficking; the duty place hears at once', async () => {
      await story.clock.at('2026-11-10T10:00:00Z');
      sent.trafficking = await hana.says('trafficking check', {
        'child.name': 'Amara Testchild',
        'child.ageYears': '15',
        'context.arrival': "Don't know",
        // An adult holds her documents, answers for her, and says he is a relative.
        'indicators.community': '1, 2, 3',
      });
      expect(sent.trafficking.reference).toMatch(/^RC-2026-\d{6}$/);
      expect(sent.trafficking.said).toContain('Suggested level: HIGH');
      expect(sent.trafficking.said).toContain('Consider a National Referral Mechanism (NRM) referral');
      // A health visitor is not a first responder: she is routed to the local authority or police.
      expect(sent.trafficking.said).toContain('If you are not one, contact the local authority or police');
      // The check proposes; the MET group decides.
      expect(sent.trafficking.said).toContain('The MET group will decide at its next meeting');
      // A duty place exists now: she is told so, and the alert is posted there once.
      expect(sent.trafficking.said).toContain('The duty team will be alerted.');
      const alerts = await alertsAbout(sent.trafficking.reference);
      expect(alerts.map((a) => a.rule)).toEqual(['risk-check-high', 'trafficking-indicator']);
      expect(story.dutyPostsAbout(sent.trafficking.reference)).toBe(2);
      expect(story.mailsAbout(sent.trafficking.reference)).toEqual([
        expect.objectContaining({ to: [mailboxes.coordinator] }),
      ]);
      await duncan.asks(`ack ${sent.trafficking.reference}`);
    });

    it('6. the MET coordinator asks, reads the figures and decides', async () => {
      // The MET group's monthly meeting.
      await story.clock.at('2026-11-26T10:00:00Z');
      expect(await mira.asks('due')).toContain('No return interviews are outstanding.');
      const repeat = await mira.asks('repeat');
      expect(repeat).toContain(`Name: ${jayden}`);
      expect(repeat).toContain('Times in 90 days: 3');

      // Amara is before the group; Jayden is not on the list yet.
      const before = await mira.asks('list');
      expect(before).toContain('Proposed by risk checks, for the MET group to decide');
      expect(before).toMatch(/RC-2026-\d{6}\s+Suggested level: high/);
      expect(before).not.toContain(jayden);

      // Any of Jayden's references names him: the intelligence, the missing report, the interview.
      expect(
        await mira.asks(
          `nominate ${sent.intelligence.reference} high Missing from care three times in 90 days; holding packages for older boys`,
        ),
      ).toContain('J.T. is now nominated for the MET list, high risk');
      expect(await mira.asks(`history ${sent.missing.reference}`)).toContain('new → nominated');
      expect(await mira.asks(`accept ${sent.interview.reference}`)).toContain(
        'J.T. is now on the MET list, high risk, review by Sat 26 Dec 2026',
      );
      // The group may set another level than the check suggested.
      expect(await mira.asks(`accept ${sent.trafficking.reference} medium`)).toContain(
        'A.T. is now on the MET list, medium risk',
      );

      const list = await mira.asks('list');
      expect(list.match(/Status: On the list/g)).toHaveLength(2);
      expect(list).toMatch(new RegExp(`Name: ${jayden}\\n\\s*Level: high`));
      expect(list).toMatch(/Name: Amara Testchild\n\s*Level: medium/);

      // One child, one record: intelligence, missing, return, interview and the MET list entry.
      const records = await db().record.findMany({
        where: {
          reference: {
            in: [sent.intelligence, sent.missing, sent.return, sent.interview].map((s) => s.reference),
          },
        },
      });
      expect(records).toHaveLength(4);
      const childIds = new Set(records.map((r) => r.childId));
      expect(childIds.size).toBe(1);
      const [childId] = [...childIds];
      expect(await db().person.count({ where: { kind: 'child', mergedIntoId: null } })).toBe(2);
      expect(await db().metListEntry.findUniqueOrThrow({ where: { childId: childId! } })).toMatchObject({
        status: 'active',
        level: 'high',
      });
      expect(await db().missingEpisode.count({ where: { childId: childId! } })).toBe(1);

      // The month's figures, read after the meeting.
      await story.clock.passes(hours(1));
      const figures = await mira.asks('figures November 2026');
      for (const line of [
        // "The number of high, medium and low risk flags" (MET Strategy).
        'High: 1',
        'Medium: 1',
        'Joined / left the list: 2 / 0',
        // "Number of children going missing once in 90 days, twice in 90 days, three times in 90 days".
        'Episodes: 1',
        '3 or more times in 90 days: 1',
        // "Number of independent return interviews offered and completed".
        'Offered within 72 hours: 1',
        'Completed: 1 (100% of returns)',
        'Still to do: 0',
        'Intelligence reports: 1',
        'Example Academy: 1',
        // "Number of risk assessments completed".
        'Risk checks: 1',
        'Trafficking: 1 (high 1, medium 0, low 0)',
        'NRM referral considered: 1',
        // "Number of FIB1 forms completed and passed to Police Intelligence Team".
        'FIB1 forms passed to the Police Intelligence Team: 1',
        'Return interviews offered and completed: 1 (returns from missing 1, offered 1, completed 1)',
      ])
        expect(figures, line).toContain(line);
    });
  });
});
