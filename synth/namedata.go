package synth

// The name lists below were compiled for this package from common names of
// each country, most frequent first (rank matters: names are drawn with a
// Zipf-like law over the list). Syntax, per space-separated token:
//
//	Müller                 a name as written in its country
//	Иванов                 a name in its own script; Latin spellings come from package names
//	Mohammed,Muhammad=محمد  Latin spellings, most usual first, and the name in its own script
//	Masood,Masoud          Latin spellings only
//	Kowalski/Kowalska      male and female forms of a surname
//	Иванов/+а              the female form adds a suffix to the male one
//	De_Luca                an underscore is a space within one name

// nameSet holds the given names by sex and the surnames of one naming
// tradition; middleM and middleF, when set, are the middle names that
// precede the given name (Vietnamese Văn, Thị).
type nameSet struct {
	male, female, surnames string
	middleM, middleF       string
}

var russianNames = nameSet{
	male: `Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём
		Николай Владимир Никита Павел Роман Денис Олег Игорь Юрий Виктор Антон Константин
		Илья Кирилл Егор Вадим Василий Георгий Борис Григорий Фёдор Тимур Руслан Станислав
		Виталий Леонид Анатолий Пётр Валерий Геннадий`,
	female: `Елена Ольга Наталья Татьяна Ирина Анна Мария Светлана Екатерина Анастасия Юлия
		Марина Людмила Галина Надежда Дарья Виктория Оксана Ксения Алина Полина Валентина
		Вера Любовь Софья Елизавета Кристина Александра Евгения Алёна Нина Лариса Тамара Зоя Инна`,
	surnames: `Иванов/+а Смирнов/+а Кузнецов/+а Попов/+а Васильев/+а Петров/+а Соколов/+а
		Михайлов/+а Новиков/+а Фёдоров/+а Морозов/+а Волков/+а Алексеев/+а Лебедев/+а
		Семёнов/+а Егоров/+а Павлов/+а Козлов/+а Степанов/+а Николаев/+а Орлов/+а Андреев/+а
		Макаров/+а Никитин/+а Захаров/+а Зайцев/+а Соловьёв/+а Борисов/+а Яковлев/+а
		Григорьев/+а Романов/+а Воробьёв/+а Сергеев/+а Кузьмин/+а Фролов/+а Александров/+а
		Дмитриев/+а Королёв/+а Гусев/+а Киселёв/+а Ильин/+а Максимов/+а Поляков/+а
		Сорокин/+а Виноградов/+а Ковалёв/+а Белов/+а Медведев/+а Антонов/+а Тарасов/+а
		Жуков/+а Баранов/+а Филиппов/+а Комаров/+а Давыдов/+а Беляев/+а Герасимов/+а
		Богданов/+а Осипов/+а Сидоров/+а Матвеев/+а Титов/+а Марков/+а Миронов/+а Крылов/+а
		Вишневский/Вишневская Островский/Островская Хрущёв/+а Щербаков/+а Шестаков/+а
		Чернышёв/+а Юдин/+а Цветков/+а`,
}

var ukrainianNames = nameSet{
	male: `Олександр Андрій Сергій Володимир Дмитро Іван Михайло Юрій Олег Віктор Василь
		Микола Петро Максим Богдан Тарас Ярослав Роман Віталій Денис Артем Євген Ігор Олексій
		Павло Степан Григорій Анатолій Валерій Руслан Назар Остап Святослав Вадим Костянтин
		Тимофій Данило Матвій Кирило Ілля`,
	female: `Олена Наталія Тетяна Ірина Оксана Світлана Юлія Анна Марія Людмила Ольга Катерина
		Галина Вікторія Надія Анастасія Валентина Лариса Софія Дарина Христина Ганна Алла
		Інна Віра Любов Мирослава Соломія Яна Леся Зоряна Уляна Тамара Ніна Поліна`,
	surnames: `Мельник Шевченко Коваленко Бондаренко Бойко Ткаченко Кравченко Коваль Олійник
		Шевчук Поліщук Бондар Ткачук Марченко Лисенко Руденко Савченко Петренко Мороз
		Клименко Павленко Кравчук Кузьменко Пономаренко Савчук Василенко Левченко Харченко
		Карпенко Гончаренко Мартинюк Романенко Литвиненко Приходько Лук'яненко Гаврилюк
		Кравець Панченко Мельничук Кушнір Іваненко Головко Демченко Семенюк Тарасенко
		Ковальчук Сидоренко Гнатюк Захарченко Павлюк Давиденко Яковенко Тимошенко Остапенко
		Дмитренко Юрченко Вовк Гуменюк Кириленко Коломієць Онищенко Федоренко
		Ковальський/Ковальська Вишневський/Вишневська Заболотний/Заболотна`,
}

var greekNames = nameSet{
	male: `Γεώργιος Ιωάννης Κωνσταντίνος Δημήτριος Νικόλαος Παναγιώτης Βασίλειος Χρήστος
		Αθανάσιος Μιχαήλ Ευάγγελος Σπυρίδων Αντώνιος Αναστάσιος Θεόδωρος Ανδρέας Χαράλαμπος
		Αλέξανδρος Εμμανουήλ Ηλίας Σταύρος Πέτρος Γρηγόριος Στυλιανός Παύλος Απόστολος Θωμάς
		Λεωνίδας Σωτήριος Κυριάκος`,
	female: `Μαρία Ελένη Αικατερίνη Βασιλική Σοφία Αγγελική Γεωργία Δήμητρα Κωνσταντίνα
		Παναγιώτα Ιωάννα Ευαγγελία Χριστίνα Αναστασία Ειρήνη Δέσποινα Χρυσούλα Αθηνά Φωτεινή
		Σταυρούλα Αλεξάνδρα Ζωή Θεοδώρα Παρασκευή Νικολέτα Κυριακή Ευτυχία Μαρίνα`,
	surnames: `Παπαδόπουλος/Παπαδοπούλου Παπαδάκης/Παπαδάκη Γεωργίου Οικονόμου Παπαγεωργίου
		Ιωάννου Βασιλείου Νικολάου Παπανικολάου Καραγιάννης/Καραγιάννη Παππάς/Παππά
		Μακρής/Μακρή Αθανασίου Δημητρίου Κωνσταντίνου Αντωνίου Χριστοδούλου Παπαδημητρίου
		Αλεξίου Ζαχαρίου Μιχαηλίδης/Μιχαηλίδου Παπαϊωάννου Θεοδωρίδης/Θεοδωρίδου
		Γεωργιάδης/Γεωργιάδου Αγγελόπουλος/Αγγελοπούλου Νικολαΐδης/Νικολαΐδου
		Κωστόπουλος/Κωστοπούλου Σταθόπουλος/Σταθοπούλου Δημόπουλος/Δημοπούλου Βλάχος/Βλάχου
		Μαυρίδης/Μαυρίδου Αναστασίου Λαμπρόπουλος/Λαμπροπούλου Πετρίδης/Πετρίδου`,
}

var levantNames = nameSet{
	male: `Mohammed,Muhammad,Mohamed,Mohammad=محمد Ahmad,Ahmed=أحمد Ali=علي Omar,Umar=عمر
		Khaled,Khalid=خالد Hussein,Hussain,Husain=حسين Hassan,Hasan=حسن Mahmoud,Mahmud=محمود
		Mustafa,Mostafa=مصطفى Ibrahim=إبراهيم Abdullah,Abdallah=عبد_الله
		Yousef,Youssef,Yusuf=يوسف Samer=سامر Bassam=بسام Fadi=فادي Rami=رامي Walid,Waleed=وليد
		Tarek,Tariq=طارق Hamza=حمزة Bilal=بلال Anas=أنس Karim,Kareem=كريم Jamal=جمال Nabil=نبيل
		Ammar=عمار Zaid,Zeid=زيد Osama,Usama=أسامة Majid,Majed=ماجد
		Abdulrahman,Abdelrahman=عبد_الرحمن Saleh,Salih=صالح Yasser,Yasir=ياسر Haitham=هيثم
		Firas=فراس Mazen=مازن Ayman=أيمن Adnan=عدنان Emad,Imad=عماد Sami=سامي
		Qasim,Kassem,Qassem=قاسم Abbas=عباس Haidar,Haider=حيدر Anwar=أنور`,
	female: `Fatima,Fatma=فاطمة Aisha,Aicha=عائشة Maryam,Mariam=مريم Zainab,Zeinab=زينب
		Nour,Noor=نور Rania=رانيا Lina=لينا Hiba,Heba=هبة Rasha=رشا Dima=ديما
		Yasmin,Yasmine=ياسمين Huda,Hoda=هدى Amal=أمل Samira=سميرة Layla,Leila=ليلى Sara,Sarah=سارة
		Reem,Rim=ريم Salma=سلمى Khadija=خديجة Asma=أسماء Ghada=غادة Nada=ندى Hanan=حنان
		Suha=سهى Manal=منال Rana=رنا Alaa=آلاء Maha=مها Batoul=بتول Rawan=روان Shahd=شهد
		Ruqaya=رقية Amina=أمينة Duaa=دعاء`,
	surnames: `Al-Hassan,Alhassan=الحسن Al-Ahmad=الأحمد Al-Ali=العلي Al-Khatib,Alkhatib=الخطيب
		Haddad=حداد Al-Masri=المصري Al-Hussein=الحسين Al-Mohammad=المحمد Hamdan=حمدان
		Al-Saleh=الصالح Khalil=خليل Darwish=درويش Al-Sayed=السيد Othman,Osman=عثمان
		Al-Jasim,Al-Jassem=الجاسم Al-Abdullah=العبدالله Nasser,Nasr=ناصر Suleiman,Sulaiman=سليمان
		Al-Hamad=الحمد Al-Omar=العمر Ibrahim=إبراهيم Al-Rashid=الرشيد Al-Tamimi=التميمي
		Al-Jubouri,Al-Jabouri=الجبوري Al-Dulaimi=الدليمي Al-Obaidi=العبيدي Al-Shammari=الشمري
		Al-Zoubi,Al-Zubi=الزعبي Qassab=قصاب Al-Halabi=الحلبي Al-Homsi=الحمصي Kurdi=كردي
		Mansour=منصور Aziz=عزيز Saad=سعد Hijazi=حجازي Shaheen,Shahin=شاهين Al-Najjar=النجار
		Al-Attar=العطار Sabbagh=صباغ Al-Bakri=البكري Jaber=جابر Al-Khalil=الخليل Hamoud=حمود
		Al-Issa=العيسى Al-Mousa,Al-Musa=الموسى Kanaan=كنعان Abboud=عبود Al-Hamwi=الحموي
		Al-Sharif=الشريف Al-Hashimi=الهاشمي Al-Kubaisi=الكبيسي`,
}

var maghrebNames = nameSet{
	male: `Mohamed,Mohammed,Mohamad=محمد Youssef,Youssouf,Yusuf=يوسف Ahmed,Ahmad=أحمد
		Mehdi,Mahdi=مهدي Hamza=حمزة Omar=عمر Amine,Amin=أمين Karim=كريم Rachid,Rashid=رشيد
		Said,Saïd=سعيد Khalid,Khaled=خالد Abdelkader=عبد_القادر Mustapha,Mustafa=مصطفى
		Hicham,Hisham=هشام Yassine,Yassin=ياسين Ayoub,Ayub=أيوب Nabil=نبيل
		Abdellah,Abdallah=عبد_الله Brahim,Ibrahim=إبراهيم Driss,Idriss=إدريس Hassan=حسن
		Aziz=عزيز Mourad,Murad=مراد Samir=سمير Redouane,Ridouane=رضوان Adil,Adel=عادل
		Jamal,Djamel=جمال Tarik,Tarek=طارق Anas=أنس Bilal=بلال Ismail,Smail=إسماعيل
		Noureddine=نور_الدين Abderrahim=عبد_الرحيم Soufiane,Sofiane=سفيان Walid=وليد
		Zakaria=زكرياء Othmane,Otman=عثمان Reda,Rida=رضا Lahcen=لحسن Mounir=منير`,
	female: `Fatima,Fatma=فاطمة Khadija,Khadidja=خديجة Aicha,Aisha=عائشة Meryem,Maryam,Mariam=مريم
		Nadia=نادية Samira=سميرة Karima=كريمة Naima=نعيمة Hanane,Hanan=حنان Salma=سلمى
		Imane,Iman=إيمان Sanaa=سناء Malika=مليكة Zineb,Zainab=زينب Hajar=هاجر Souad=سعاد
		Latifa=لطيفة Rachida=رشيدة Noura,Nora=نورة Asmaa,Asma=أسماء Loubna=لبنى Hafsa=حفصة
		Siham=سهام Ilham=إلهام Yasmine,Yasmina=ياسمين Houda,Huda=هدى Amina=أمينة Najat=نجاة
		Wafae,Wafaa=وفاء Ikram=إكرام Chaimae,Chaima=شيماء Kawtar,Kaoutar=كوثر Sara=سارة
		Nawal=نوال Ibtissam,Btissam=ابتسام`,
	surnames: `El_Amrani,Elamrani=العمراني Benali,Ben_Ali=بن_علي Alaoui,El_Alaoui=العلوي
		El_Idrissi,Idrissi=الإدريسي Bennani=بناني Tazi=التازي Benjelloun=بنجلون Berrada=برادة
		El_Fassi,Fassi=الفاسي Chraibi=الشرايبي Benmoussa=بنموسى Bouzid=بوزيد Haddad=حداد
		Belkacem=بلقاسم El_Mansouri,Mansouri=المنصوري El_Boukhari,Boukhari=البخاري
		Benkirane=بنكيران Saidi,Saïdi=السعيدي Hamdi=حمدي Ziani=الزياني Kaddouri=قدوري
		Belhaj=بلحاج Cherkaoui=الشرقاوي Rahmouni=رحموني Mahjoub=محجوب Ait_Ali=آيت_علي
		El_Bakkali,Bakkali=البقالي El_Ouazzani,Ouazzani=الوزاني Lahlou=لحلو Filali=الفيلالي
		Bouazza=بوعزة Trabelsi=الطرابلسي Ben_Salah=بن_صالح Jaziri=الجزيري Gharbi=الغربي
		Benaissa=بن_عيسى Meziane=مزيان Khelifi=خليفي Boudiaf=بوضياف Brahimi=براهيمي
		Benyoucef=بن_يوسف Hamidi=حميدي`,
}

var turkishNames = nameSet{
	male: `Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf Murat Ömer
		Ramazan Halil Süleyman Abdullah Mahmut Salih Recep Kemal Fatih Emre Burak Serkan Cem
		Can Onur Volkan Kadir Erkan Hakan Tolga Umut Oğuz Barış Selim Yasin Emir Enes Furkan
		Eren Berk Arda`,
	female: `Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Sultan Hanife Merve
		Havva Zeliha Esra Fadime Özlem Hülya Yasemin Leyla Büşra Kübra Gül Tuğba Derya Sibel
		Ebru Gamze Melek Dilek Aslı Seda Ece Defne Ecrin Hira Eylül Azra Nur`,
	surnames: `Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan
		Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan
		Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer
		Işık Kaplan Avcı Sarı Tekin Taş Köse Yüksel Ateş Aksoy`,
}

var polishNames = nameSet{
	male: `Piotr Krzysztof Andrzej Tomasz Paweł Jan Michał Marcin Jakub Adam Łukasz
		Stanisław Marek Grzegorz Mateusz Wojciech Mariusz Dariusz Zbigniew Rafał Kamil Jerzy
		Maciej Robert Józef Szymon Ryszard Tadeusz Bartosz Sebastian Dawid Kacper Artur
		Janusz Roman Jacek Damian Przemysław Filip Patryk`,
	female: `Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena
		Elżbieta Joanna Aleksandra Monika Zofia Teresa Danuta Natalia Julia Karolina Marta
		Beata Dorota Halina Jadwiga Jolanta Iwona Grażyna Justyna Paulina Wiktoria Alicja
		Urszula Agata Renata Hanna Zuzanna Weronika Maja Lena Emilia`,
	surnames: `Nowak Kowalski/Kowalska Wiśniewski/Wiśniewska Wójcik Kowalczyk
		Kamiński/Kamińska Lewandowski/Lewandowska Zieliński/Zielińska Szymański/Szymańska
		Woźniak Dąbrowski/Dąbrowska Kozłowski/Kozłowska Jankowski/Jankowska Mazur
		Kwiatkowski/Kwiatkowska Wojciechowski/Wojciechowska Krawczyk Kaczmarek
		Piotrowski/Piotrowska Grabowski/Grabowska Zając Pawłowski/Pawłowska
		Michalski/Michalska Król Wieczorek Jabłoński/Jabłońska Wróbel Nowakowski/Nowakowska
		Majewski/Majewska Olszewski/Olszewska Stępień Malinowski/Malinowska
		Jaworski/Jaworska Adamczyk Dudek Nowicki/Nowicka Pawlak Górski/Górska
		Witkowski/Witkowska Walczak Sikora Baran Rutkowski/Rutkowska Michalak Szewczyk
		Ostrowski/Ostrowska Tomaszewski/Tomaszewska Pietrzak Zalewski/Zalewska`,
}

var germanNames = nameSet{
	male: `Peter Michael Thomas Andreas Wolfgang Klaus Jürgen Stefan Christian Uwe Werner
		Hans Bernd Frank Markus Matthias Alexander Martin Ralf Dieter Sebastian Tobias Jan
		Florian Lukas Jonas Leon Felix Maximilian Paul Julian Niklas Tim Philipp Daniel Dirk
		Heinz Karl Günter Horst`,
	female: `Ursula Sabine Petra Monika Claudia Andrea Susanne Birgit Karin Renate Gabriele
		Stefanie Julia Anna Katharina Christine Nicole Sandra Martina Jana Laura Lea Lena
		Sarah Sophie Marie Hannah Emma Mia Johanna Lisa Heike Silke Ingrid Helga Brigitte
		Elke Anja Kerstin Ute`,
	surnames: `Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann
		Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun
		Krüger Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid
		Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang
		Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger
		Winkler Roth Beck Lorenz`,
}

var frenchNames = nameSet{
	male: `Jean Pierre Michel André Philippe Alain Nicolas Christophe Patrick Daniel
		Bernard Éric Laurent Frédéric Stéphane David Julien Sébastien Thomas Olivier François
		Pascal Jacques Guillaume Antoine Maxime Lucas Hugo Louis Gabriel Arthur Théo Mathieu
		Vincent Romain Benoît Thierry Didier Gérard Yves`,
	female: `Marie Nathalie Isabelle Sylvie Catherine Françoise Christine Monique Valérie
		Sandrine Sophie Céline Nicole Véronique Martine Chantal Stéphanie Julie Émilie Camille
		Manon Léa Chloé Emma Inès Sarah Laura Anne Aurélie Élodie Claire Hélène Jeanne Louise
		Alice Juliette Mathilde Pauline Margaux Brigitte`,
	surnames: `Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent
		Simon Michel Lefebvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont
		Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure André Mercier Blanc Guérin
		Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin
		Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Lemaire
		Noël Meyer Dufour Meunier Brun Le_Gall Le_Goff`,
}

var italianNames = nameSet{
	male: `Giuseppe Giovanni Antonio Mario Luigi Francesco Angelo Vincenzo Pietro
		Salvatore Carlo Franco Domenico Bruno Paolo Michele Giorgio Aldo Sergio Luciano Marco
		Andrea Luca Alessandro Matteo Lorenzo Davide Simone Federico Riccardo Stefano Roberto
		Massimo Fabio Claudio Daniele Gabriele Emanuele Nicola Alberto`,
	female: `Maria Anna Giuseppina Rosa Angela Giovanna Teresa Lucia Carmela Caterina
		Francesca Antonietta Carla Elena Concetta Rita Margherita Franca Paola Laura Giulia
		Sofia Chiara Alessia Martina Sara Valentina Federica Silvia Elisa Roberta Barbara
		Simona Monica Alessandra Cristina Aurora Ginevra Beatrice Emma`,
	surnames: `Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco
		Bruno Gallo Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri
		Fontana Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile
		Martinelli Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa
		Conte Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala De_Angelis
		Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti`,
}

var hispanicNames = nameSet{
	male: `José Antonio Manuel Francisco Juan David Javier Daniel Carlos Jesús Alejandro
		Miguel Rafael Pedro Pablo Ángel Sergio Fernando Jorge Luis Alberto Álvaro Diego
		Adrián Raúl Enrique Ramón Vicente Andrés Joaquín Santiago Eduardo Víctor Mario
		Roberto Jaime Ignacio Alfonso Salvador Ricardo Sebastián Mateo Nicolás Gabriel`,
	female: `María Carmen Ana Isabel Laura Cristina Marta Lucía Dolores Paula Elena Pilar
		Sara Mercedes Rosa Raquel Manuela Julia Patricia Teresa Beatriz Rocío Silvia Andrea
		Alba Irene Nuria Sofía Valentina Camila Daniela Gabriela Mariana Natalia Verónica
		Claudia Alejandra Carolina Ximena Luciana Esperanza Guadalupe Inés Lorena`,
	surnames: `García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez
		Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez
		Navarro Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales
		Suárez Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido
		Cortés Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz Calvo Gallego Vidal
		León Márquez Herrera Peña Flores Cabrera Campos Vega Fuentes Carrasco Reyes
		Caballero Nieto Aguilar Vargas Rojas`,
}

var romanianNames = nameSet{
	male: `Ion Gheorghe Vasile Constantin Nicolae Mihai Alexandru Andrei Ioan Florin
		Dumitru Marian Adrian Ștefan Cristian Daniel Gabriel Mihail Petru Ionuț Bogdan Sorin
		Lucian Răzvan Cătălin Alin Vlad Radu Costel Viorel Marius Dan Ovidiu Valentin Eugen
		Sergiu Laurențiu Tudor Cosmin Darius`,
	female: `Maria Elena Ioana Ana Mihaela Andreea Cristina Gabriela Daniela Alexandra
		Florentina Nicoleta Georgiana Ramona Mariana Alina Simona Elisabeta Adriana Roxana
		Raluca Irina Oana Diana Camelia Larisa Bianca Anca Carmen Corina Denisa Loredana
		Valentina Rodica Violeta Luminița Ileana Doina Aurelia Natalia`,
	surnames: `Popa Popescu Pop Radu Dumitru Stan Stoica Gheorghe Matei Ciobanu Ionescu
		Rusu Constantin Mihai Munteanu Marin Florea Dinu Lungu Tudor Moldovan Dumitrescu Ene
		Barbu Diaconu Toma Sandu Cristea Ion Dobre Nistor Ilie Oprea Lazăr Stanciu Neagu
		Vasile Ungureanu Anghel Ardeleanu Voicu Preda Nedelcu Constantinescu Bălan Manea
		Niculescu Georgescu Iordache Stoian Zamfir Cojocaru Mocanu Enache Stănescu Petrescu
		Marinescu`,
}

var albanianNames = nameSet{
	male: `Arben Ardit Besnik Driton Edmond Endrit Erion Fatmir Fitim Gentian Ilir Klodian
		Kujtim Luan Mentor Nexhat Petrit Qemal Rexhep Sokol Sulejman Shkëlqim Valon Xhevdet
		Ylli Agim Altin Bekim Blerim Dritan Elvis Enver Flamur Genti Ismet Kreshnik Mirlind
		Redon Visar Arbër Ergys`,
	female: `Albana Arbana Anila Blerta Brunilda Dorina Drita Elira Elona Enkeleda Entela
		Erjona Fatbardha Flutura Gentiana Jonida Klea Liridona Lule Mimoza Merita Nertila
		Rozeta Shqipe Teuta Valbona Vjosa Xhesika Arta Besa Donika Fjolla Kaltrina Albulena
		Vlora Lindita Ermira Adelina`,
	surnames: `Hoxha Shehu Dervishi Krasniqi Gashi Berisha Morina Kelmendi Hasani Ahmeti
		Rama Bytyqi Shala Hysa Mustafa Leka Cela Kola Meta Prifti Dushku Sula Gjoka Murati
		Duka Marku Dema Lika Halili Zeqiri Bajrami Osmani Rexhepi Ismaili Jashari Kurti
		Haxhiu Topalli Basha Xhaferi Kastrati Mehmeti Bardhi Hyseni Veliu Kryeziu Qosja
		Sadiku Thaçi Ramadani`,
}

var serbianNames = nameSet{
	male: `Nikola Marko Stefan Aleksandar Miloš Luka Nemanja Lazar Dušan Milan Dragan
		Zoran Goran Nenad Dejan Vladimir Ivan Petar Jovan Đorđe Srđan Bojan Miroslav
		Slobodan Predrag Vuk Uroš Filip Ognjen Vladan Željko Branislav Milorad Radovan
		Mladen Aleksa Andrija Igor Darko`,
	female: `Milica Jelena Ana Marija Jovana Ivana Snežana Dragana Mirjana Gordana Tijana
		Teodora Sanja Maja Vesna Ljiljana Nataša Danijela Biljana Svetlana Jasmina Katarina
		Sofija Anđela Nevena Aleksandra Bojana Nina Tamara Zorica Slavica Jasna Radmila Nada
		Dušica Marina Kristina Sara Vera`,
	surnames: `Jovanović Petrović Nikolić Marković Đorđević Stojanović Ilić Stanković
		Pavlović Milošević Popović Kovačević Todorović Đukić Mladenović Stefanović
		Stevanović Kostić Lazić Ristić Savić Milovanović Tomić Pešić Lukić Jovičić Obradović
		Marinković Simić Vasić Mitrović Radović Živković Krstić Đurić Milić Janković
		Stojković Babić Zdravković Filipović Radosavljević Vuković Ivanović Mihajlović Kovač
		Knežević Lazarević Nedeljković Rakić`,
}

var nigerianNames = nameSet{
	male: `Chukwuemeka Oluwaseun Emeka Chinedu Ibrahim Musa Abubakar Olumide Tunde
		Babatunde Adebayo Obinna Ifeanyi Uchenna Segun Yusuf Usman Aliyu Nnamdi Kelechi Chidi
		Femi Ayodele Olusegun Kayode Sani Bello Abdullahi Godwin Samuel Daniel Emmanuel
		Victor Peter John Michael David Joseph Sunday Friday`,
	female: `Chioma Ngozi Adaeze Amaka Funmilayo Folake Oluwakemi Aisha Fatima Zainab
		Blessing Grace Mercy Patience Joy Esther Ruth Favour Precious Comfort Chiamaka Nneka
		Ifeoma Yetunde Bukola Titilayo Adaobi Halima Hauwa Amina Hadiza Kemi Temitope
		Damilola Ebere Uju Nkechi Gift Peace Bisola`,
	surnames: `Okafor Okonkwo Adeyemi Ogunleye Ibrahim Musa Bello Abubakar Mohammed
		Adebayo Eze Nwosu Okeke Obi Chukwu Olawale Balogun Adewale Ogunbiyi Okoro Nwachukwu
		Uche Onyeka Afolabi Adeleke Oladipo Akinola Ojo Ogbonna Ezeh Danjuma Lawal Yusuf
		Aliyu Suleiman Abdullahi Nnaji Igwe Emenike Odum Anyanwu Okoye Obiora Umeh Ekwueme
		Oyelaran Ayodele Olayinka Salako`,
}

var chineseNames = nameSet{
	male: `Wei Jun Lei Qiang Yong Jie Tao Ming Chao Gang Ping Hui Bin Hao Peng Jian Feng
		Bo Xin Yu Long Kai Hong Lin Jianguo Jianhua Zhiqiang Haitao Xiaoming Zhiwei Jiahao
		Zihao Yuxuan Haoran Junjie Wenjie Guoqiang Dong Zhiyong Xiaolong`,
	female: `Fang Na Min Jing Li Ying Yan Juan Xiuying Hua Xia Ling Lan Mei Qing Yun Ting
		Xiu Lijuan Xiaoyan Yumei Guilan Xiuzhen Shuhua Xiaohong Yali Lina Xinyi Yuxin Zihan
		Yutong Jiayi Shiyu Mengyao Wenjing Jingjing Yuting Huifang Hongmei`,
	surnames: `Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao
		Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan
		Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lü Ding Ren Shen Yao Lu`,
}

var vietnameseNames = nameSet{
	male: `Anh Minh Hùng Dũng Tuấn Nam Long Hải Phong Sơn Thắng Trung Việt Hoàng Huy
		Khánh Quân Tâm Thành Tú Bình Cường Đạt Hiếu Hòa Lâm Lợi Nghĩa Phúc Quý Tài Thịnh
		Toàn Vinh Bảo Duy Khoa`,
	female: `Linh Hương Lan Mai Hà Thảo Trang Ngọc Anh Hoa Hạnh Nhung Phương Thủy Hằng
		Huyền Loan Nga Oanh Quỳnh Thu Trinh Uyên Vân Xuân Yến Dung Giang Hiền Hồng Liên Ly
		My Nhi Tuyết Vy`,
	surnames: `Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đào
		Đinh Trương Lâm Mai Tạ Hà Cao Lưu Tôn Châu Quách Thái Trịnh La Kiều Triệu`,
	middleM: `Văn Đức Minh Quang Hữu Thanh Công Xuân`,
	middleF: `Thị Ngọc Thu Thanh Kim Bích Minh Phương`,
}

var indianNames = nameSet{
	male: `Rahul Amit Rajesh Suresh Ramesh Sanjay Vijay Anil Sunil Arun Manoj Deepak
		Ashok Rakesh Vikas Ravi Ajay Mahesh Mukesh Prakash Dinesh Sandeep Pradeep Naveen
		Arjun Rohit Aditya Karan Vikram Nikhil Abhishek Gaurav Ankit Harpreet Gurpreet
		Mohammed Imran Joseph Thomas Srinivas`,
	female: `Priya Sunita Anita Pooja Neha Kavita Rekha Geeta Meena Anjali Deepika Shalini
		Sneha Lakshmi Divya Asha Usha Nisha Rani Sapna Swati Preeti Jyoti Manisha Aarti Shweta
		Ritu Poonam Radha Savita Sarita Seema Nandini Shreya Ananya Aishwarya Simran Fatima
		Mary`,
	surnames: `Kumar Singh/Kaur Sharma Patel Yadav Gupta Reddy Shah Verma Jain Mishra Das
		Rao Mehta Nair Iyer Pillai Joshi Chauhan Pandey Agarwal Bhat Kulkarni Desai Menon
		Chopra Malhotra Kapoor Banerjee Chatterjee Mukherjee Ghosh Bose Sinha Srivastava
		Tiwari Dubey Saxena Thakur Rathore Naidu Gill Sandhu Dhillon Khan Ansari Shaikh
		Fernandes D'Souza`,
}

var pakistaniNames = nameSet{
	male: `Muhammad,Mohammad,Mohammed Ali Ahmed,Ahmad Hassan,Hasan Hussain,Hussein
		Imran Kamran Usman,Osman Bilal Hamza Asad Faisal Tariq,Tarik Zubair Waqas Adnan Shahid
		Naveed,Navid Irfan Arslan Junaid Saad Umar,Omar Abdullah Zeeshan,Zeshan Fahad Salman
		Asif Khalid Nadeem,Nadim Rizwan Aamir,Amir Sajid Javed,Javaid Waseem,Wasim Shahzad
		Abid Rashid Haroon,Harun Nasir,Naseer`,
	female: `Fatima Ayesha,Aisha Zainab Maryam,Mariam Sana Amna Hira Iqra Mehwish Sadia
		Saima Nadia Rabia Asma Bushra Shazia Uzma Samina Farah Aqsa Kiran Sidra Nimra Anum
		Mahnoor Hafsa Noor Rukhsana Nasreen,Nasrin Parveen,Parvin Shabana Sobia Tahira
		Yasmeen,Yasmin Zahida Naila Huma Javeria Laiba Areeba`,
	surnames: `Khan Ahmed,Ahmad Ali Hussain,Hussein Shah Malik Qureshi,Qureshy Butt
		Chaudhry,Chaudhary Iqbal Akhtar Raza Sheikh,Shaikh Siddiqui,Siddiqi Mirza Baig,Beg
		Abbasi Awan Javed Rehman,Rahman Aslam Anwar Bhatti Rana Cheema Gondal Niazi Afridi
		Yousafzai,Yousufzai Khattak Durrani Memon Soomro Zaidi Rizvi Naqvi Hashmi Ansari
		Farooqui,Farooqi Mughal Rajput Sial Tarar`,
}

var afghanNames = nameSet{
	male: `Mohammad,Mohammed,Muhammad Ahmad,Ahmed Ali Hamid Rahim Karim
		Zabihullah,Zabiullah Naqibullah Hekmatullah,Hikmatullah Rahmatullah,Rahmatulla
		Abdullah Ghulam Najib,Najibullah Farid Wahid,Waheed Jawad Mustafa Omid,Umed
		Sayed,Sayyed,Said Hassan Hussain,Hussein,Husain Reza,Raza Mahmood,Mahmud Noor,Nur Gul
		Shir,Sher Aziz Bashir Nasir,Naser,Nasser Qadir,Kadir Samiullah Habibullah Shafiq
		Fawad Sohail Masood,Masoud,Massoud Hamidullah Ehsan,Ihsan Mirwais Yama`,
	female: `Fatima Maryam,Mariam Zahra Zainab Nazanin Parwana Marzia Shabnam Farzana Roya
		Soraya Malalai Hasina Nargis Freshta,Fereshta Mursal Sakina Zarmina Mahbooba Shakila
		Laila,Leila Sima Nilofar,Nilufar Gulalai Homa Khadija Madina Mina Nadia Najiba
		Paimana Rahila Shukria Zakia Tahmina Wahida Zarghona Farida Arezo`,
	surnames: `Ahmadi Mohammadi Rahimi Hashimi,Hashemi Karimi Hussaini,Husseini Sultani
		Amiri Noori,Nouri Stanikzai Ahmadzai Popal Barakzai Durrani Safi Wardak Mohmand Niazi
		Sadat Jalali Haidari,Haideri Rezaei,Rezai Hakimi Habibi Azizi Akbari Qaderi,Kadiri
		Samadi Sharifi Rasuli,Rasouli Naseri,Nasiri Faizi Yousufzai,Yousafzai Zazai Kakar
		Achakzai Shinwari Khan Gul Noorzai Alokozay Hotak Nazari Farahi`,
}

var eritreanNames = nameSet{
	male: `Yonas Tesfay,Tesfai,Tesfaye Mehari Habtom Tekle Mussie Filmon Semere Yohannes
		Daniel Samuel Dawit Biniam,Biniyam Mikael Kidane Berhane Abraham Isaias Haile Goitom
		Amanuel Henok Robel Yosief,Yosef Efrem Aron Mebrahtu Tesfalem Natnael Solomon Ermias
		Ghirmay Fitsum Nahom Merhawi Teklit Tewelde Kibrom`,
	female: `Helen Senait Saba Selam Rahel Yordanos Freweini Luwam Feven Hiwet Winta
		Mebrat Azeb Tsega Eden Segen Ruth Elsa Milena Ksanet Mihret Tirhas Aster Almaz Semhar
		Delina Abrehet Nardos Rigbe Yohana Hanna Bisrat Ariam Simret Salem Lula Akberet`,
	surnames: `Tesfay,Tesfai,Tesfaye Gebremedhin,Ghebremedhin Tekle Haile Kidane Berhe
		Ghebremichael,Gebremichael,Gebremikael Woldemariam,Weldemariam Habte
		Ghebreyesus,Gebreyesus Tesfamariam Gebrehiwet Mebrahtu Tewelde Asmerom Ogbazghi
		Andemariam Yemane Zerai Kahsay Weldu Negash Hagos Abraha Mehari Gebremariam Tsegai
		Goitom Russom Fisseha Measho Araya Kiflom Okbay Solomon Desta Teklehaimanot
		Weldemichael Yohannes Ghirmay Estifanos`,
}

var somaliNames = nameSet{
	male: `Mohamed,Mohammed,Maxamed Abdi,Cabdi Ahmed,Axmed Ali,Cali Hassan,Xasan Omar,Cumar
		Abdullahi,Cabdullahi Yusuf Ibrahim Ismail Mahad Abdirahman,Cabdiraxmaan Abdiaziz
		Abdulkadir,Abdikadir Hussein,Xuseen Farah,Faarax Osman,Cusmaan Jama,Jaamac Nur,Nuur
		Warsame Aden,Aadan Said,Saciid Bashir Abshir Guled Liban Sahal Mustafe Khalid Hamza
		Sharmarke Dahir,Daahir Muse,Muuse Yasin Awil Abdiwali Hirsi Isse,Ciise Bile`,
	female: `Fadumo,Faduma,Fatuma Amina,Aamina Hodan Sahra,Sahro Asha,Caasha Khadija
		Hawa,Xaawo Maryan,Maryam Sagal Nimo Ayan,Ayaan Ifrah Hibo Ubah Deeqa Farhiya Ilhan
		Muna Fartun Halima,Xaliimo Zamzam Suad,Sucaad Luul Ladan Hamdi Idil Naima Safiya
		Ruqiya Anisa Yasmin Warsan Shukri Bilan Qamar Filsan Hafsa Nasra Ikran Samira`,
	surnames: `Mohamed,Maxamed Ali,Cali Ahmed,Axmed Hassan,Xasan Abdi,Cabdi Omar,Cumar
		Farah,Faarax Hussein,Xuseen Yusuf Osman,Cusmaan Ibrahim Abdullahi Jama,Jaamac Nur
		Warsame Aden,Aadan Said,Saciid Ismail Egal Dirie Mohamud,Maxamuud Hersi Duale Elmi
		Gedi Guled Hirsi Noor Shire Abdirahman Adan Isse,Ciise Bare Yonis Qasim Sheikh Hashi
		Abdille Barre`,
}

var georgianNames = nameSet{
	male: `Giorgi Davit Levan Zurab Irakli Nikoloz Luka Aleksandre Lasha Giga Tornike
		Saba Beka Nika Mikheil Vakhtang Tamaz Gela Zaza Gocha Shota Otar Dimitri Mamuka Goga
		Revaz Archil Temur Lado Ilia Vladimer Guram Koba Kakha Merab Besik Badri Teimuraz
		Ramaz Nodar`,
	female: `Nino Mariam Tamar Ana Eka Natia Salome Ketevan Maia Nana Tinatin Lela Manana
		Khatuna Nato Sopio Elene Mariami Nutsa Keti Tamta Lika Marine Irma Lali Tea Ia Shorena
		Medea Nani Inga Maka Rusudan Gvantsa Tekla Barbare Elisabed Lizi Nestan Lia`,
	surnames: `Beridze Kapanadze Gelashvili Maisuradze Giorgadze Lomidze Tsiklauri
		Bolkvadze Kvaratskhelia Nozadze Abuladze Khutsishvili Mikeladze Tabatadze Chkheidze
		Gogoladze Shengelia Mchedlishvili Jikia Kiknadze Lobjanidze Basilashvili Gogiashvili
		Chanturia Kurtanidze Dolidze Goguadze Meskhi Janelidze Samkharadze Japaridze
		Gvenetadze Nadiradze Papava Sulaberidze Tsereteli Kobakhidze Gabunia Kharaishvili
		Javakhishvili Natsvlishvili Beriashvili Kvirikashvili Zhvania Gogua Kakabadze
		Gurgenidze Jgharkava`,
}

var brazilianNames = nameSet{
	male: `José João Antônio Francisco Carlos Paulo Pedro Lucas Luiz Marcos Luís Gabriel
		Rafael Daniel Marcelo Bruno Eduardo Felipe Raimundo Rodrigo Manoel Mateus André
		Fernando Fábio Leonardo Gustavo Guilherme Leandro Tiago Anderson Ricardo Márcio Jorge
		Sebastião Alexandre Roberto Edson Diego Vitor`,
	female: `Maria Ana Francisca Antônia Adriana Juliana Márcia Fernanda Patrícia Aline
		Sandra Camila Amanda Bruna Jéssica Letícia Júlia Luciana Vanessa Mariana Gabriela
		Vera Vitória Larissa Cláudia Beatriz Luana Rita Sônia Renata Eliane Josefa Simone
		Natália Cristiane Carla Débora Rosângela Jaqueline Rosa`,
	surnames: `Silva Santos Oliveira Souza Rodrigues Ferreira Alves Pereira Lima Gomes
		Costa Ribeiro Martins Carvalho Almeida Lopes Soares Fernandes Vieira Barbosa Rocha
		Dias Nascimento Andrade Moreira Nunes Marques Machado Mendes Freitas Cardoso Ramos
		Gonçalves Santana Teixeira Araújo Correia Cavalcanti Monteiro Moura Pinto Batista
		Campos Barros Cunha Reis Castro Melo Farias da_Silva dos_Santos de_Oliveira de_Souza`,
}
